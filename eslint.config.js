import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.lobby/**',
      'server/src/generated/**',
      'client/src/graphql/generated/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // read-feed.ts is the calendar reader's only entry point: nothing outside it imports its parts.
    files: ['server/**/*.ts', 'client/**/*.ts', 'client/**/*.tsx'],
    ignores: ['server/src/domain/calendar/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/calendar/ics/*', '**/calendar/time-zones/*', '**/calendar/events/*'],
              message: 'Import the calendar reader through domain/calendar/read-feed.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/domain/calendar/*.ts'],
    ignores: [
      'server/src/domain/calendar/read-feed*.ts',
      'server/src/domain/calendar/feed-reading.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./ics/*', './time-zones/*', './events/*'],
              message: 'Import the calendar reader through ./read-feed.js.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['client/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
