// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Packages the pure domain must never import: framework, I/O and time sources (banned by name, not path).
const bannedInDomain = [
  '@nestjs/*', '@eventstore/*', '@kurrent/*', '@grpc/*', 'bullmq', 'ioredis', 'class-validator',
  'class-transformer', 'better-sqlite3', 'pino', 'exceljs', 'rxjs', 'express', 'node:*', 'fs', 'path',
  'http', 'https', 'net', 'crypto', 'child_process', 'os', '@tracker/application', '@tracker/infrastructure',
  '@tracker/projections', '@tracker/eventstore-server', '@tracker/testing',
];
const layer = (banned) => ({ patterns: [{ group: banned, message: 'Dependencies point one way: domain <- application <- infrastructure <- projections <- apps.' }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['libs/domain/src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', layer(bannedInDomain)] },
  },
  {
    files: ['libs/application/src/**/*.ts'],
    ignores: ['libs/application/src/**/*.spec.ts', 'libs/application/src/**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': ['error', layer(['@eventstore/*', '@grpc/*', 'bullmq', 'ioredis', 'better-sqlite3', '@tracker/infrastructure', '@tracker/projections', '@tracker/eventstore-server'])],
    },
  },
  {
    files: ['libs/infrastructure/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', layer(['@tracker/testing', '@tracker/projections'])] },
  },
  {
    // The projections' runtime (runner, worker, rebuild): never the apps, nor test helpers outside tests.
    files: ['libs/projections/src/**/*.ts'],
    ignores: ['libs/projections/src/**/*.spec.ts', 'libs/projections/src/**/*.int-spec.ts'],
    rules: { 'no-restricted-imports': ['error', layer(['@tracker/testing', '**/apps/**'])] },
  },
);
