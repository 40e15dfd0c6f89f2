import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/setup/debian-tools.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    hookTimeout: 600_000,
  },
});
