const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

/**
 * The webpack config of one of the pipeline's Node apps (apps/<name>/webpack.config.js), so the three apps build
 * the same way: one bundle per entry in dist/apps/<name>, not minified (stack traces stay readable), with source
 * maps and a generated package.json for the image's `npm ci`.
 * @param {string} appDir the app's folder (__dirname of its webpack.config.js)
 * @param {string} name the app's name, also its dist folder
 * @param {{ entryName: string, entryPath: string }[]} additionalEntryPoints one-shot CLIs shipped beside the app
 */
function nodeAppWebpackConfig(appDir, name, additionalEntryPoints = []) {
  return {
    output: {
      path: join(appDir, '../../dist/apps', name),
      clean: true,
      ...(process.env.NODE_ENV !== 'production' && {
        devtoolModuleFilenameTemplate: '[absolute-resource-path]',
      }),
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        additionalEntryPoints,
        tsConfig: './tsconfig.app.json',
        assets: ['./src/assets'],
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
      }),
    ],
  };
}

module.exports = { nodeAppWebpackConfig };
