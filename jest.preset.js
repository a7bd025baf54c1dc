const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  // uuid 13 (pulled in by parquetjs' thrift) ships ESM only; let ts-jest compile it to CommonJS.
  transformIgnorePatterns: ['node_modules/(?!(.*/)?(uuid)/)'],
};
