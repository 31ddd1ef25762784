import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Fault and multi-instance tests: each file runs its own PostgreSQL
 * cluster and app processes, so files run one after another.
 */
export default defineConfig({
  plugins: [swc.vite({ tsconfigFile: 'tsconfig.json' })],
  test: {
    include: ['faults/**/*.fault-spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    globalSetup: ['support/faults-global-setup.ts'],
  },
});
