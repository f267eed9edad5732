// Browser tests: JupyterLab 4.6 (npm-assembled, tests/browser/lab-app) + our prebuilt extension + the Java kernel,
// driven by playwright-core on Debian's chromium. Env: LAB_URL (a running serve_lab.py), LAB_ROOT (its root dir),
// SHOTS (where screenshots go).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
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
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
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

test('an endpoint from the kernel shows in the panel and stops from there', { skip: !process.env.FAKE_ENDPOINTS_JAR }, async () => {
  // fixtures/fake-endpoints: a kernel extension with the djl.endpoints contract (until %serve lands)
  notebook('serve.ipynb', [`%jars ${process.env.FAKE_ENDPOINTS_JAR}`]);
  await page.goto(`${LAB_URL}/lab/tree/serve.ipynb?reset`);
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { state: 'attached', timeout: 120_000 });
  await runAllCells();
  await palette('DJL: Show Endpoints Panel');
  const panel = page.locator('#djl-endpoints-panel');
  const row = panel.locator('.djl-Endpoint[data-name="demo"]');
  await row.waitFor({ timeout: 30_000 }).catch(async e => {
    const out = await page.locator('.jp-OutputArea').allTextContents();
    throw new Error(`${e.message}\ncell output: ${out.join(' | ')}\npanel: ${await panel.textContent()}`);
  });
  const text = await row.textContent();
  assert.match(text, /http:\/\/127\.0\.0\.1:8080/);
  assert.match(text, /mlp/);
  assert.match(text, /42/);
  assert.match(text, /1\.50 ms/);
  assert.match(text, /7\.25 ms/);
  await row.locator('.djl-copy').click();
  assert.equal(await row.locator('.djl-copy').textContent(), 'copied');
  await shot('endpoints-live.png', panel, 170);
  await row.locator('.djl-stop').click();
  await panel.locator('.djl-NoEndpoints').waitFor({ timeout: 15_000 });
});

test('no uncaught errors from our extension', () => {
  const ours = consoleErrors.filter(e => /djl/i.test(e));
  assert.deepEqual(ours, []);
});
