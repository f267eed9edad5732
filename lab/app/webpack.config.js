// Webpack config for a JupyterLab 4.6 front end assembled from npm packages: a module-federation host
// (like JupyterLab's examples/federated) that loads prebuilt extensions from the server's labextensions/.
// Writes core/package.json (dependencies, resolutions, singletonPackages) for `build-labextension --core-path`.
const path = require('path');
const fs = require('fs-extra');
const webpack = require('webpack');
const { merge } = require('webpack-merge');
const Build = require('@jupyterlab/builder').Build;
const baseConfig = require('@jupyterlab/builder/lib/webpack.config.base');

const pkg = require('./package.json');
const jlab = pkg.jupyterlab;
const nm = path.join(__dirname, 'node_modules');

// Every top-level package of these scopes is shared with extensions (the role of JupyterLab's "resolutions").
const SHARED_SCOPES = ['@jupyterlab', '@lumino', '@codemirror', '@lezer', '@jupyter', '@microsoft', '@rjsf'];
const SHARED_NAMES = ['react', 'react-dom', 'yjs'];
const SINGLETON = /^(@jupyterlab\/(?!builder)|@lumino\/|@jupyter\/(ydoc|react-components|web-components)$|@codemirror\/(language|state|view)$|@lezer\/(common|highlight)$|@microsoft\/fast-(element|foundation)$|react$|react-dom$|yjs$)/;
const resolutions = {};
const addPkg = name => {
  const f = path.join(nm, name, 'package.json');
  if (fs.existsSync(f)) resolutions[name] = '~' + require(f).version;
};
for (const scope of SHARED_SCOPES) {
  if (!fs.existsSync(path.join(nm, scope))) continue;
  for (const n of fs.readdirSync(path.join(nm, scope))) addPkg(`${scope}/${n}`);
}
SHARED_NAMES.forEach(addPkg);
delete resolutions['@jupyterlab/builder'];
const singletonPackages = Object.keys(resolutions).filter(n => SINGLETON.test(n)).sort();
const corePkg = {
  name: '@djl-kernel/lab-app-core',
  version: pkg.version,
  private: true,
  dependencies: pkg.dependencies,
  resolutions,
  jupyterlab: { name: 'JupyterLab', version: resolutions['@jupyterlab/application'].slice(1), singletonPackages }
};
fs.ensureDirSync(path.join(__dirname, 'core'));
fs.writeJSONSync(path.join(__dirname, 'core', 'package.json'), corePkg, { spaces: 2 });

const extensions = {};
const mimeExtensions = {};
for (const name of jlab.extensions) {
  const data = require(`${name}/package.json`).jupyterlab || {};
  if (data.extension !== undefined) extensions[name] = data.extension === true ? '' : data.extension;
  if (data.mimeExtension !== undefined) mimeExtensions[name] = data.mimeExtension === true ? '' : data.mimeExtension;
}

const buildDir = path.resolve(jlab.buildDir);
const outputDir = path.resolve(jlab.outputDir);
fs.emptyDirSync(buildDir);
fs.emptyDirSync(outputDir);
const assets = Build.ensureAssets({
  packageNames: jlab.extensions,
  output: buildDir,
  schemaOutput: outputDir,
  themeOutput: outputDir
});

// index.js: import the built-in plugins (skipped when a federated extension of that name is present) and start Lab.
const spec = (name, sub) => (sub ? `${name}/${sub}` : name);
const importLines = (map, target) =>
  Object.entries(map)
    .map(([name, sub]) => `  if (!federated.has(${JSON.stringify(name)})) { add(${target}, await import(${JSON.stringify(spec(name, sub))})); }`)
    .join('\n');
fs.writeFileSync(
  path.join(buildDir, 'index.js'),
  fs.readFileSync(path.join(__dirname, 'index.template.js'), 'utf8')
    .replace('//__MIME_EXTENSIONS__', importLines(mimeExtensions, 'mimePlugins'))
    .replace('//__EXTENSIONS__', importLines(extensions, 'plugins'))
);
fs.copySync(path.join(__dirname, 'bootstrap.js'), path.join(buildDir, 'bootstrap.js'));

const shared = {};
for (const [name, requiredVersion] of Object.entries(resolutions)) {
  shared[name] = { requiredVersion };
  if (singletonPackages.includes(name)) shared[name].singleton = true;
}

module.exports = [
  merge(baseConfig, {
    mode: 'development',
    devtool: false,
    entry: [path.join(buildDir, 'bootstrap.js')],
    output: {
      path: outputDir,
      library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_OUTPUT'] },
      filename: 'bundle.js'
    },
    plugins: [
      new webpack.container.ModuleFederationPlugin({
        library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
        name: 'CORE_FEDERATION',
        shared
      })
    ]
  })
].concat(assets);
