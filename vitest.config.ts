import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/real-images.ts', 'test/setup/registry-tools.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
