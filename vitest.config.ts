import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Only checks what scripts/test-setup.mjs built (npm test runs it first); no hook builds images.
    globalSetup: ['test/setup/prepared.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
