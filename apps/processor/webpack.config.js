const { nodeAppWebpackConfig } = require('../../tools/webpack/node-app.config');

// The one-shot NDJSON backfill (npm run backfill) and compaction (npm run compact) ship in the same build as the app.
module.exports = nodeAppWebpackConfig(__dirname, 'processor', [
  { entryName: 'backfill', entryPath: './src/backfill.ts' },
  { entryName: 'compact', entryPath: './src/compact.ts' },
]);
