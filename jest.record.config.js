/**
 * `npm run record-histories`: records test/histories/<generation> against the integration dev
 * server. Not part of `npm test` (the files it writes are committed and replayed there).
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'record',
  testMatch: ['<rootDir>/test/record/**/*.record.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 180000,
  maxWorkers: 1,
};
