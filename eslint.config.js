import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.keelson/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Plain Node.js scripts (not type-checked).
    files: ['scripts/**/*.mjs', 'bin/*.js'],
    languageOptions: { globals: { URL: 'readonly', console: 'readonly', process: 'readonly' } },
  },
  {
    // The dashboard's browser modules, served as they are (no build step).
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'history', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams', 'AbortController', 'TextDecoderStream', 'setTimeout', 'clearTimeout', 'addEventListener', 'removeEventListener', 'scrollTo', 'console'].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // The reconciler speaks only to ports: never the AWS SDK or the simulator.
    files: ['controllers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@aws-sdk/*'], message: 'controllers/ speaks only to ports (src/cloud).' },
          { group: ['**/sim/**', '**/cloud/aws/**'], message: 'controllers/ speaks only to ports (src/cloud).' },
        ],
      }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Use the injected Clock.' }],
    },
  },
);
