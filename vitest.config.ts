// The kit's own tests (not the conformance suite, which `conform` runs with its own settings).
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Vitest's default (one fewer than the cores) runs the files one at a time on a 2-core
    // machine; they mostly wait on the servers they start, and each holds on a busy machine, so
    // two at once there: 285 s instead of 470 s for the whole suite (passed also beside a
    // spinning process).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
