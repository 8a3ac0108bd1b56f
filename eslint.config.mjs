// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'util',
  'stream',
];

/**
 * Import restrictions between top-level folders: each folder may not import the folders listed
 * for it (by relative path). One config object per folder, as ESLint replaces a rule's options.
 */
const layers = (forbidden) =>
  Object.entries(forbidden).map(([folder, folders]) => ({
    files: [`${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: folders.flatMap((f) => [`**/${f}/*`, `**/${f}`]),
              message: `Layers: ${folder}/ may not import ${folders.map((f) => `${f}/`).join(', ')} (see the README's architecture).`,
            },
          ],
        },
      ],
    },
  }));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      '.tools/**',
      'artifacts/**',
      'coverage/**',
      'web/static/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no activity values.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((m) => [m, `node:${m}`]),
          patterns: [
            {
              group: ['../activities/*', '../activities', '../db/*', '../stack/*', 'pg', 'kysely'],
              allowTypeImports: true,
              message: 'Workflows and the domain stay pure: reach I/O through activities.',
            },
          ],
        },
      ],
    },
  },
  // Layers: cli/, api/ and web/ are thin adapters over app/ (use cases) and never import each
  // other; nothing below the adapters imports one; db/ is storage only, stack/ starts things.
  ...layers({
    api: ['cli', 'web'],
    web: ['cli', 'api'],
    cli: ['api', 'web', 'http'],
    http: ['cli'],
    app: ['cli', 'api', 'web', 'http'],
    reports: ['cli', 'api', 'web', 'http'],
    stack: ['cli'],
    activities: ['cli', 'api', 'web', 'http'],
    worker: ['cli', 'api', 'web', 'http'],
    audit: ['cli', 'api', 'web', 'http'],
    seeds: ['cli', 'api', 'web', 'http'],
    bench: ['cli'],
    db: ['stack', 'cli', 'api', 'web', 'http', 'app'],
  }),
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'db/ reads no environment: its callers pass settings in.',
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', '*.config.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
  },
);
