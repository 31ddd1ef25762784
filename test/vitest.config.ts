import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [swc.vite({ tsconfigFile: 'tsconfig.json' })],
  test: {
    include: ['e2e/**/*.e2e-spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['support/global-setup.ts'],
  },
});
