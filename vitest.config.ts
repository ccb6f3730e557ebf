import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: ONNX Runtime sessions already use both, so test files run one at a time.
    fileParallelism: false,
  },
});
