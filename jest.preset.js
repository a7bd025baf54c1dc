const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // uuid 13 (pulled in by parquetjs' thrift) ships ESM only; let ts-jest compile it to CommonJS.
  transformIgnorePatterns: ['node_modules/(?!(.*/)?(uuid)/)'],
  // CI runs two projects' tests at once on 2 cores: jest's 5 s default fails slow-but-correct tests there.
  testTimeout: 30_000,
};
