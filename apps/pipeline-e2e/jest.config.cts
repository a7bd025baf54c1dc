module.exports = {
  displayName: 'pipeline-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  // Pipeline tests run real processes against one broker; one file at a time keeps timings honest on 2 cores.
  maxWorkers: 1,
  testTimeout: 180_000,
};
