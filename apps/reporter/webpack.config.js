const { nodeAppWebpackConfig } = require('../../tools/webpack/node-app.config');

module.exports = nodeAppWebpackConfig(__dirname, 'reporter');
