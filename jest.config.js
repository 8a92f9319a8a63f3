/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Each API test file starts its own app and sync worker against the shared services.
  maxWorkers: 1,
};
