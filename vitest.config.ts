import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'in-process', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/cli/**'] },
      },
      {
        // The CLI tests run the built binary; the build runs only when one of them is selected.
        extends: true,
        test: { name: 'cli', include: ['test/cli/**/*.test.ts'], globalSetup: ['test/cli/global-setup.ts'] },
      },
    ],
  },
});
