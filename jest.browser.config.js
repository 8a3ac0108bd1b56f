/**
 * Browser journeys (test/browser/): each role in Debian's chromium at desktop and phone widths,
 * screenshots under artifacts/screenshots/. Part of `npm test` (after the other projects, with a dev
 * server of its own); `npm run test:browser` runs them alone.
 * @type {import('jest').Config}
 */
module.exports = {
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 180000,
  maxWorkers: 1,
};
