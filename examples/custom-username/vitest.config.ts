import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// P3 of the toolchain notes: tsconfig.json is a solution file, which
// unplugin-swc cannot follow, so it reads the spec config.
export default defineConfig({
  plugins: [swc.vite({ tsconfigFile: 'tsconfig.spec.json' })],
  test: {
    include: ['src/**/*.spec.ts'],
  },
});
