const { nodeAppWebpackConfig } = require('../../tools/webpack/node-app.config');

// The one-shot CLI (tools/cli.mjs generator) ships beside the app as dist/apps/generator/cli.js.
module.exports = nodeAppWebpackConfig(__dirname, 'generator', [{ entryName: 'cli', entryPath: './src/cli.ts' }]);
