/** @type {import('jest').Config} */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // Recorded histories replayed against the workflow bundle: no Temporal server, no database.
      displayName: 'replay',
      testMatch: ['<rootDir>/test/replay/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
  ],
  testTimeout: 120000,
  // The machine has 2 cores whatever the host reports; timer-driven tests need headroom.
  maxWorkers: 2,
};
