// Entry point: load the prebuilt (federated) extensions listed in the page config, share modules with them,
// then start JupyterLab from index.js.
/* global __webpack_init_sharing__ __webpack_share_scopes__ */
function option(name) {
  const el = document.getElementById('jupyter-config-data');
  const data = el ? JSON.parse(el.textContent || '{}') : {};
  return data[name] || '';
}
// eslint-disable-next-line no-undef
__webpack_public_path__ = option('fullStaticUrl') + '/';

function script(url) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.onerror = reject;
    s.onload = resolve;
    s.async = true;
    document.head.appendChild(s);
    s.src = url;
  });
}

(async () => {
  const exts = option('federated_extensions') || [];
  const base = option('fullLabextensionsUrl');
  const results = await Promise.allSettled(
    exts.map(async ext => {
      await script(`${base}/${ext.name}/${ext.load}`);
      await __webpack_init_sharing__('default');
      await window._JUPYTERLAB[ext.name].init(__webpack_share_scopes__.default);
    })
  );
  results.filter(r => r.status === 'rejected').forEach(r => console.error(r.reason));
  const { main } = await import('./index.js');
  if (document.readyState === 'complete') main();
  else window.addEventListener('load', main);
})();
