// Generated into build/index.js by webpack.config.js.
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import './style.js';

// Plugins that need a server this front end does not have (jupyter_server 1.x: no LSP).
const DISABLED = [
  '@jupyterlab/fileeditor-extension:language-server',
  '@jupyterlab/notebook-extension:language-server',
  // asks whether to fetch Jupyter news (a toast over the screenshots; no network here anyway)
  '@jupyterlab/apputils-extension:announcements'
];

async function federatedModule(scope, module) {
  const factory = await window._JUPYTERLAB[scope].get(module);
  return factory();
}

export async function main() {
  const disabled = [];
  const plugins = [];
  const mimePlugins = [];
  const exts = JSON.parse(PageConfig.getOption('federated_extensions') || '[]');
  const federated = new Set(exts.map(e => e.name));

  function add(list, mod) {
    const exp = mod && Object.prototype.hasOwnProperty.call(mod, '__esModule') ? mod.default : mod;
    for (const p of Array.isArray(exp) ? exp : [exp]) {
      if (DISABLED.includes(p.id) || PageConfig.Extension.isDisabled(p.id)) {
        disabled.push(p.id);
        continue;
      }
      list.push(p);
    }
  }

//__MIME_EXTENSIONS__
  for (const e of exts) {
    if (e.mimeExtension) {
      try { add(mimePlugins, await federatedModule(e.name, e.mimeExtension)); } catch (err) { console.error(err); }
    }
  }
//__EXTENSIONS__
  for (const e of exts) {
    if (e.extension) {
      try { add(plugins, await federatedModule(e.name, e.extension)); } catch (err) { console.error(err); }
    }
    if (e.style) {
      try { await federatedModule(e.name, e.style); } catch (err) { console.error(err); }
    }
  }

  const lab = new JupyterLab({
    mimeExtensions: mimePlugins,
    disabled: { matches: disabled, patterns: PageConfig.Extension.disabled.map(v => v.raw) },
    deferred: { matches: [], patterns: PageConfig.Extension.deferred.map(v => v.raw) }
  });
  lab.registerPlugins(plugins);
  await lab.start();
  await lab.restored;
  document.body.dataset.labReady = 'true';
}
