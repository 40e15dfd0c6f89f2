import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/debian-tools.ts', 'test/setup/real-images.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
