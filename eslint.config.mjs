// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const LIBRARY_BOUNDARIES = [
  {
    group: ['**/native', '**/native.js', '**/native/*'],
    message: 'Only libs/delta loads the native module.',
  },
  {
    group: ['@lakehouse/*/src/*', '@lakehouse/*/dist/*'],
    message: 'Import a library through its entry point.',
  },
];

/** Packages that only adapters may touch: the domain core stays free of I/O, Nest and the clock. */
const IO_AND_FRAMEWORKS = [
  '@nestjs/*',
  'kafkajs',
  'prom-client',
  'socket.io',
  'socket.io-client',
  'apache-arrow',
  '@tensorflow/*',
  'node:fs',
  'node:fs/promises',
  'fs',
  'node:net',
  'node:http',
  'node:child_process',
  '@lakehouse/bus',
  '@lakehouse/delta',
  '@lakehouse/platform',
  '@lakehouse/testing',
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'libs/delta/native/**', 'coverage/**', '.work/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest resolves injected classes from decorator metadata: they must stay value imports.
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...LIBRARY_BOUNDARIES,
            { group: IO_AND_FRAMEWORKS, message: 'libs/domain is pure: no I/O, no Nest, no clock.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Pass configuration in; the domain reads no env.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass `now` in.' },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Pass `now` in.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Pass a seeded RNG in.',
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['libs/delta/**', 'libs/domain/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: LIBRARY_BOUNDARIES }] },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    // The publisher's dashboard: browser ES modules served as they are (no build step).
    files: ['apps/publisher/web/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
);
