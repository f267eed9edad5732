// Browser tests: JupyterLab 4.6 (npm-assembled, lab/app) + our prebuilt extension + the Java kernel,
// driven by playwright-core on Debian's chromium. Env: LAB_URL (a running serve_lab.py), LAB_ROOT (its root dir),
// SHOTS (where screenshots go), MODELS_DIR (the kernel's test models: extensions/djl/src/test/resources/models).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';
import { chromium } from 'playwright-core';

const LAB_URL = process.env.LAB_URL ?? 'http://127.0.0.1:8899';
const ROOT = process.env.LAB_ROOT;
const SHOTS = process.env.SHOTS ?? path.resolve('../../docs/images');
let browser;
let page;
const consoleErrors = [];

function notebook(name, cells) {
  const nb = {
    cells: cells.map(src => ({ cell_type: 'code', metadata: {}, source: src, outputs: [], execution_count: null })),
    metadata: { kernelspec: { name: 'java', display_name: 'Java (DJL)', language: 'java' } },
    nbformat: 4,
    nbformat_minor: 5
  };
  fs.writeFileSync(path.join(ROOT, name), JSON.stringify(nb));
}

async function shot(name, locator, maxHeight = 480) {
  fs.mkdirSync(SHOTS, { recursive: true });
  if (!locator) return page.screenshot({ path: path.join(SHOTS, name) });
  const b = await locator.boundingBox();
  await page.screenshot({ path: path.join(SHOTS, name), clip: { x: b.x, y: b.y, width: b.width, height: Math.min(b.height, maxHeight) } });
}

const promptsDone = () =>
  page.evaluate(() => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].slice(0, 1);
    const prompts = cells.map(c => c.querySelector('.jp-InputPrompt')?.textContent ?? '');
    return cells.length > 0 && prompts.every(p => /\[\d+\]/.test(p)) ? 'done' : prompts.some(p => p.includes('*')) ? 'running' : 'idle';
  });

async function runAllCells() {
  // the kernel is connected and idle when the status bar says so
  await page.locator('.jp-StatusBar-TextItem', { hasText: /Java \(DJL\) \| Idle/ }).first().waitFor({ timeout: 120_000 });
  // every notebook here has one code cell: focus it and run it; press again if the keystroke was lost
  const deadline = Date.now() + 120_000;
  let pressedAt = 0;
  while (Date.now() < deadline) {
    const s = await promptsDone();
    if (s === 'done') return;
    if (s === 'idle' && Date.now() - pressedAt > 20_000) {
      await page.locator('.jp-Notebook .jp-CodeCell .jp-InputArea-editor').first().click();
      await page.keyboard.press('Control+Enter'); // run in place (no new cell)
      pressedAt = Date.now();
    }
    await page.waitForTimeout(250);
  }
  await page.screenshot({ path: path.join(process.env.FAIL_SHOTS ?? os.tmpdir(), 'run-failed.png') });
  throw new Error('the cell did not run');
}

/** The first cell's execution count (0 before it ran). */
const promptNumber = () =>
  page.locator('.jp-Notebook .jp-CodeCell .jp-InputPrompt').first().textContent()
    .then(t => Number(/\[(\d+)\]/.exec(t ?? '')?.[1] ?? 0));

/** Replaces the first cell's source and runs it in place; resolves when its execution count has moved on. */
async function rerunFirstCell(source) {
  const before = await promptNumber();
  const editor = page.locator('.jp-Notebook .jp-CodeCell .jp-InputArea-editor').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(source); // inserted as is: no auto-closed brackets
  const deadline = Date.now() + 120_000;
  let pressedAt = 0;
  while (Date.now() < deadline) {
    if ((await promptNumber()) > before) return;
    if ((await promptsDone()) !== 'running' && Date.now() - pressedAt > 20_000) {
      await editor.click();
      await page.keyboard.press('Control+Enter');
      pressedAt = Date.now();
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`the cell did not run: ${source}`);
}

const firstOutput = () => page.locator('.jp-Notebook .jp-CodeCell .jp-OutputArea').first().textContent();

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function palette(label) {
  const input = page.locator('.lm-CommandPalette-input');
  // Ctrl+Shift+C toggles the palette; try again if the keystroke went to a widget that swallowed it
  for (let i = 0; i < 3 && !(await input.isVisible()); i++) {
    await page.keyboard.press('Control+Shift+C');
    await input.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => {});
  }
  await input.fill(label);
  await page.locator('.lm-CommandPalette-item', { hasText: label }).first().click();
}

before(async () => {
  assert.ok(ROOT, 'LAB_ROOT must name the server root');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
    // playwright gives every launch a fresh temporary user-data-dir
  });
  // clipboard permissions: the endpoints test reads back what "copy curl" put there
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
});

test('Lab starts with our extension loaded', async () => {
  await page.goto(`${LAB_URL}/lab?reset`);
  await page.waitForSelector('body[data-lab-ready="true"]', { state: 'attached', timeout: 60_000 });
  await page.waitForSelector('#djl-devices-panel', { state: 'attached', timeout: 30_000 });
  assert.equal(await page.locator('#djl-endpoints-panel').count(), 1);
});

test('a tensor shows in the tensor viewer', async () => {
  notebook('tensor.ipynb', ['var x = manager.arange(12f).reshape(3, 4);\nx']);
  await page.goto(`${LAB_URL}/lab/tree/tensor.ipynb?reset`);
  await page.waitForSelector('.jp-Notebook', { timeout: 60_000 });
  // the kernel is up when the toolbar's execution indicator says idle
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { state: 'attached', timeout: 120_000 });
  await runAllCells();
  const viewer = page.locator('.djl-TensorViewer').first();
  await viewer.waitFor({ timeout: 60_000 });
  const header = await viewer.locator('.djl-TensorShape').textContent();
  assert.match(header, /shape \(3, 4\)/);
  assert.match(header, /float32/);
  assert.match(header, /cpu/i);
  const cells = await viewer.locator('tbody td').allTextContents();
  assert.deepEqual(cells.slice(0, 5), ['0.0', '1.0', '2.0', '3.0', '4.0']);
  assert.equal(cells.length, 12);
  assert.match(await viewer.locator('.djl-TensorStats').textContent(), /min 0\.0 · max 11\.0 · mean 5\.5/);
  await shot('tensor-viewer.png', page.locator('.jp-Cell').first());
  await viewer.locator('.djl-view-heatmap').click();
  const bg = await viewer.locator('tbody td').first().evaluate(e => e.style.background);
  assert.match(bg, /rgb/);
  await shot('tensor-heatmap.png', page.locator('.jp-Cell').first());
});

test('the axis picker of a 3-D tensor fetches other slices from the kernel', async () => {
  await rerunFirstCell('manager.arange(24f).reshape(2, 3, 4)');
  const viewer = page.locator('.djl-TensorViewer').first();
  await viewer.locator('.djl-TensorShape', { hasText: 'shape (2, 3, 4)' }).waitFor({ timeout: 60_000 });
  const cells = () => viewer.locator('tbody td').allTextContents();
  assert.deepEqual((await cells()).slice(0, 4), ['0.0', '1.0', '2.0', '3.0']);
  assert.equal((await cells()).length, 12);
  // index 1 on the leading axis: t[1, :, :] holds 12..23, which only the kernel has
  await viewer.locator('select.djl-Axis[data-axis="0"]').selectOption('1');
  await viewer.locator('.djl-TensorBody[data-slice="1,0,0|1|2"]').waitFor({ timeout: 30_000 });
  const second = await cells();
  assert.equal(second.length, 12);
  assert.deepEqual(second.slice(0, 4), ['12.0', '13.0', '14.0', '15.0']);
  assert.equal(second[11], '23.0');
  assert.match(await viewer.locator('.djl-SliceLabel').textContent(), /\[1, :, :\]/);
  await shot('tensor-slices.png', page.locator('.jp-Cell').first());
  // axis 0 down the rows: t[:, 0, :] (rows 0..3 and 12..15)
  await viewer.locator('select.djl-RowsAxis').selectOption('0');
  await viewer.locator('.djl-TensorBody[data-slice="0,0,0|0|2"]').waitFor({ timeout: 30_000 });
  assert.deepEqual(await cells(), ['0.0', '1.0', '2.0', '3.0', '12.0', '13.0', '14.0', '15.0']);
});

test('a matrix taller than one window pages through its rows', async () => {
  await rerunFirstCell('manager.arange(100 * 3f).reshape(100, 3)');
  const viewer = page.locator('.djl-TensorViewer').first();
  await viewer.locator('.djl-TensorShape', { hasText: 'shape (100, 3)' }).waitFor({ timeout: 60_000 });
  const pager = viewer.locator('.djl-Pager-rows');
  assert.match(await pager.textContent(), /rows 0–63 of 100/);
  assert.equal(await viewer.locator('.djl-Pager-cols').count(), 0, 'three columns fit in one window');
  assert.equal(await viewer.locator('tbody tr').count(), 64);
  await pager.locator('.djl-page-next').click();
  // the last full window, rows 36..99, from the kernel, with their own indices as row headers
  await viewer.locator('.djl-TensorBody[data-slice="36,0|0|1"]').waitFor({ timeout: 30_000 });
  assert.equal(await viewer.locator('tbody tr').count(), 64);
  assert.equal(await viewer.locator('tbody th').first().textContent(), '36');
  assert.deepEqual((await viewer.locator('tbody td').allTextContents()).slice(-3), ['297.0', '298.0', '299.0']);
  assert.match(await viewer.locator('.djl-Pager-rows').textContent(), /rows 36–99 of 100/);
  assert.equal(await viewer.locator('.djl-Pager-rows .djl-page-next').isDisabled(), true);
  await viewer.locator('.djl-Pager-rows .djl-page-prev').click();
  await viewer.locator('.djl-TensorBody[data-slice="0,0|0|1"]').waitFor({ timeout: 30_000 });
  assert.equal(await viewer.locator('tbody th').first().textContent(), '0');
});

test('the devices panel shows a CPU-only reading from the kernel', async () => {
  await palette('DJL: Show Devices Panel');
  const panel = page.locator('#djl-devices-panel');
  await panel.waitFor({ state: 'visible' });
  await panel.locator('.djl-CpuOnly').waitFor({ timeout: 30_000 });
  assert.match(await panel.locator('.djl-CpuOnly').textContent(), /CPU only/);
  assert.match(await panel.locator('.djl-Host').textContent(), /heap/);
  // The live chart fills at the settings rate (1 s by default).
  await page.waitForFunction(() => {
    const p = document.querySelector('#djl-devices-panel .djl-Chart polyline');
    return p && p.getAttribute('points').split(' ').length >= 3;
  }, null, { timeout: 15_000 });
  // The status bar item names the active device.
  assert.match(await page.locator('.djl-StatusItem').textContent(), /CPU · heap/);
  await panel.locator('.djl-pause').click();
  assert.equal(await panel.locator('.djl-pause').textContent(), 'Resume');
  await panel.locator('.djl-pause').click();
  await page.waitForTimeout(5000); // a few more readings on the chart
  await shot('devices-panel.png', panel, 330);
});

test('the endpoints panel shows the empty state', async () => {
  await palette('DJL: Show Endpoints Panel');
  const panel = page.locator('#djl-endpoints-panel');
  await panel.waitFor({ state: 'visible' });
  await panel.locator('.djl-NoEndpoints').waitFor();
  assert.match(await panel.locator('.djl-NoEndpoints').textContent(), /No endpoints/);
  await shot('endpoints-panel.png', panel, 120);
  await shot('lab-overview.png');
});

test('a %serve endpoint shows in the panel, counts a request and stops from there', async () => {
  assert.ok(process.env.MODELS_DIR, 'MODELS_DIR must name the test models folder');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  notebook('serve.ipynb', [
    `%models --root ${process.env.MODELS_DIR}\n%model load colours classifier --translator image-classification --size 32\n%serve colours --port ${port}`
  ]);
  await page.goto(`${LAB_URL}/lab/tree/serve.ipynb?reset`);
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { state: 'attached', timeout: 120_000 });
  await runAllCells();
  assert.match(await firstOutput(), new RegExp(`Serving colours at ${url}`));
  await palette('DJL: Show Endpoints Panel');
  const panel = page.locator('#djl-endpoints-panel');
  const row = panel.locator('.djl-Endpoint[data-name="colours"]');
  await row.waitFor({ timeout: 30_000 }).catch(async e => {
    throw new Error(`${e.message}\ncell output: ${await firstOutput()}\npanel: ${await panel.textContent()}`);
  });
  const text = await row.textContent();
  assert.ok(text.includes(url), text);
  assert.match(text, /colours/);
  const requests = () => row.locator('.djl-Row .djl-Num').first().textContent();
  assert.equal(await requests(), '0');

  // one inference call from here (Open Inference Protocol v2), then the panel's count goes up
  const r = await fetch(`${url}/v2/models/colours/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'image', shape: [1, 3, 32, 32], datatype: 'FP32', data: new Array(3 * 32 * 32).fill(0.5) }] })
  });
  assert.equal(r.status, 200, await r.text());
  // the count and the latency come in the panel's pushes (at most one a second): wait for both, not the first alone
  await page.waitForFunction(() => {
    const row = document.querySelector('#djl-endpoints-panel .djl-Endpoint[data-name="colours"]');
    const n = row && row.querySelector('.djl-Row .djl-Num');
    return n && n.textContent === '1' && /p50 \/ p99\s*[\d.]+ m?s \/ [\d.]+ m?s/.test(row.textContent);
  }, null, { timeout: 15_000 });
  assert.match(await row.textContent(), /p50 \/ p99\s*[\d.]+ m?s \/ [\d.]+ m?s/);
  await row.locator('.djl-copy').click();
  assert.equal(await row.locator('.djl-copy').textContent(), 'copied');
  // the kernel's own command for this model: an image upload to the seed's /predict route, runnable as copied
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(copied.includes(`-F file=@image.png ${url}/predict`), copied);
  await shot('endpoints-live.png', panel, 170);

  await row.locator('.djl-stop').click();
  await panel.locator('.djl-NoEndpoints').waitFor({ timeout: 30_000 });
  // gone for the kernel and for HTTP clients
  await assert.rejects(fetch(`${url}/v2/health/live`), /fetch failed/);
  await rerunFirstCell('%serve list');
  assert.match(await firstOutput(), /no endpoints/);
  assert.doesNotMatch(await firstOutput(), /colours/);
});

test('a tablesaw figure renders as a plotly chart, offline, and follows the output area', async () => {
  // tablesaw comes from Maven Central (or ~/.m2) through %maven, as a user adds it; plotly.js from our extension
  notebook('plot.ipynb', [[
    '%maven tech.tablesaw:tablesaw-jsplot:0.43.1',
    'import tech.tablesaw.api.DoubleColumn;',
    'import tech.tablesaw.api.Table;',
    'import tech.tablesaw.plotly.api.LinePlot;',
    'double[] xs = new double[40], ys = new double[40];',
    'for (int i = 0; i < 40; i++) { xs[i] = i / 4.0; ys[i] = Math.sin(xs[i]); }',
    'var table = Table.create("wave", DoubleColumn.create("x", xs), DoubleColumn.create("sin x", ys));',
    'display(LinePlot.create("Sine wave", table, "x", "sin x"));'
  ].join('\n')]);
  const cdnRequests = [];
  const onRequest = r => { if (/cdn\.plot\.ly|requirejs|cdnjs/.test(r.url())) cdnRequests.push(r.url()); };
  page.on('request', onRequest);
  try {
    await page.goto(`${LAB_URL}/lab/tree/plot.ipynb?reset`);
    await page.waitForSelector('.jp-Notebook', { timeout: 60_000 });
    await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { state: 'attached', timeout: 120_000 });
    await runAllCells();
    const chart = page.locator('.djl-PlotlyChart.js-plotly-plot').first();
    await chart.waitFor({ timeout: 60_000 }).catch(async e => {
      await page.screenshot({ path: path.join(process.env.FAIL_SHOTS ?? os.tmpdir(), 'plot-failed.png') });
      throw new Error(`no plotly chart; the output says: ${(await firstOutput())?.slice(0, 400)}; console: ${consoleErrors.join(' | ').slice(0, 600)}`, { cause: e });
    });
    // a real plotly drawing: a scatter trace's SVG path, the title and axis titles
    const trace = chart.locator('.scatterlayer .trace .js-line').first();
    await trace.waitFor({ timeout: 30_000 });
    const d = await trace.getAttribute('d');
    // plotly simplifies nearly straight runs, so fewer than 40 vertices remain, but a sine keeps most of them
    const vertices = (d ?? '').split(/[ML]/).filter(Boolean).map(p => p.split(',').map(Number));
    assert.ok(vertices.length >= 20, `a line through the points, got d=${d?.slice(0, 80)}`);
    const ys = vertices.map(v => v[1]);
    assert.ok(Math.max(...ys) - Math.min(...ys) > 100, 'the sine goes up and down');
    assert.equal(await chart.locator('.gtitle').textContent(), 'Sine wave');
    assert.equal(await chart.locator('.g-xtitle').textContent(), 'x');
    assert.equal(await chart.locator('.g-ytitle').textContent(), 'sin x');
    // the chart replaced the SVG fallback (rank) instead of showing beside it
    assert.equal(await page.locator('.jp-OutputArea-output [type="image/svg+xml"], .jp-RenderedSVG').count(), 0);
    await shot('plotly-chart.png', page.locator('.jp-Cell').first(), 640);
    // narrower than the figure's 800 px: the chart shrinks with the notebook panel
    const wide = await chart.boundingBox();
    await page.setViewportSize({ width: 700, height: 800 });
    await page.waitForFunction(w => {
      const el = document.querySelector('.djl-PlotlyChart.js-plotly-plot .main-svg');
      return el && el.getBoundingClientRect().width < w - 50;
    }, wide.width, { timeout: 15_000 });
    assert.deepEqual(cdnRequests, []);
  } finally {
    page.off('request', onRequest);
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

test('a trace shows in the layer panel: a sparkline per layer, NaN rows highlighted, a flagged-only view', async () => {
  notebook('layers.ipynb', [
    'var net = new SequentialBlock().add(Linear.builder().setUnits(4).build())\n' +
    '        .add(new LambdaBlock(l -> new NDList(l.head().mul(0).div(0)), "zero over zero"));\n' +
    'net.initialize(manager, DataType.FLOAT32, new Shape(2, 3));\n' +
    'trace(net, manager.create(new float[]{1, -2, 3, -1, 2, -3}, new Shape(2, 3)))']);
  await page.goto(`${LAB_URL}/lab/tree/layers.ipynb?reset`);
  await page.waitForSelector('.jp-Notebook', { timeout: 60_000 });
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { state: 'attached', timeout: 120_000 });
  await runAllCells();
  const panel = page.locator('.djl-LayerPanel').first();
  await panel.waitFor({ timeout: 60_000 });
  assert.match(await panel.locator('.djl-LayersTitle').textContent(), /SequentialBlock on cpu\(\), input \(2, 3\): 3 calls/);
  const firstCells = await panel.locator('tbody tr td:first-child').allTextContents();
  assert.deepEqual(firstCells, ['(root)', '01Linear', '02LambdaBlock']);
  const flagged = await panel.locator('tbody tr.djl-LayerFlagged td:first-child').allTextContents();
  assert.deepEqual(flagged, ['(root)', '02LambdaBlock']);
  // the Linear's finite values get a sparkline; an all-NaN output has none to draw
  assert.equal(await panel.locator('tbody tr').nth(1).locator('.djl-Spark svg path').count(), 1);
  assert.equal(await panel.locator('tbody tr').nth(2).locator('.djl-Spark svg').count(), 0);
  const red = await panel.locator('tbody tr.djl-LayerFlagged td').first().evaluate(e => getComputedStyle(e).backgroundColor);
  assert.notEqual(red, 'rgba(0, 0, 0, 0)');
  await shot('layer-panel.png', page.locator('.jp-Cell').first());
  await panel.locator('.djl-LayersTools button').click();
  assert.deepEqual(await panel.locator('tbody tr td:first-child').allTextContents(), ['(root)', '02LambdaBlock']);
  assert.match(await panel.locator('.djl-LayersTools button').textContent(), /show all rows/);
});

test('no uncaught errors from our extension', () => {
  const ours = consoleErrors.filter(e => /djl/i.test(e));
  assert.deepEqual(ours, []);
});
