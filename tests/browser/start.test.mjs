// scripts/start.sh as a user runs it: it must print JupyterLab's URL with a token (on the next free port when the
// asked one is taken), serve a Lab whose file browser lists the tutorials, run a Java cell, and on Ctrl-C (SIGINT)
// or SIGTERM shut its kernels down (our kernel logs "kernel stopped" only after a shutdown_request, and drains and
// closes its %serve endpoints) and exit 0.
// Jupyter's user folders and the kernel logs go to a temporary folder, so the user's own Jupyter is not touched.
// Env: START_SH (default ../../scripts/start.sh), CHROMIUM, FAIL_SHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const START_SH = process.env.START_SH ?? path.join(REPO, 'scripts/start.sh');
const NOTEBOOKS = path.join(REPO, 'notebooks');
const MODELS = path.join(REPO, 'extensions/djl/src/test/resources/models');
const TUTORIALS = fs.readdirSync(NOTEBOOKS).filter(n => n.endsWith('.ipynb')).sort();
const URL_RE = /http:\/\/127\.0\.0\.1:(\d+)\/lab\?token=([0-9a-f]{16,})/;
// mvn and the front-end build are skipped when their outputs are fresh; the kernel install (AppCDS) is not
const START_TIMEOUT_MS = 300_000;

let tmp;
let browser;
let kernelPid = 0; // killed after a test in which it outlived the server

/**
 * The environment start.sh runs in: Jupyter's folders under tmp, the npm-assembled Lab. The data folder (the
 * kernel start.sh installs) is shared, so only the first test pays for the install's AppCDS training run.
 */
function startEnv(name) {
  const dir = path.join(tmp, name);
  const env = {
    ...process.env,
    JUPYTER_DATA_DIR: path.join(tmp, 'data'),
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    DJL_KERNEL_LOG_DIR: path.join(dir, 'logs'),
    DJL_KERNEL_LAB: 'bundled'
  };
  delete env.JUPYTER_PATH; // the kernel start.sh installs is the one the server must find
  delete env.JUPYTER_TOKEN;
  // no autosave: running a cell in a tutorial must not write its outputs into the repository
  const docmanager = path.join(env.JUPYTER_CONFIG_DIR, 'lab/user-settings/@jupyterlab/docmanager-extension');
  fs.mkdirSync(docmanager, { recursive: true });
  fs.writeFileSync(path.join(docmanager, 'plugin.jupyterlab-settings'), JSON.stringify({ autosave: false }));
  return env;
}

/** Runs start.sh; resolves with the process, its output so far and the URL it printed. */
async function start(env, args) {
  const proc = spawn('bash', [START_SH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise(resolve => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = chunk => {
      output += chunk;
      const m = URL_RE.exec(output);
      if (m) { clearTimeout(timer); resolve(m); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`start.sh exited (${code ?? signal}) before printing a URL:\n${output}`)); });
  });
  return { proc, exited, url: url[0], port: Number(url[1]), token: url[2], output: () => output };
}

/** Resolves with the exit of a process, or rejects when it takes longer than ms. */
function exitWithin(exited, ms, output) {
  return Promise.race([
    exited,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`start.sh still running ${ms} ms after the signal:\n${output()}`)), ms))
  ]);
}

const alive = pid => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function waitGone(pid, ms) {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
  return !alive(pid);
}

const refused = port => new Promise(resolve => {
  const s = net.connect(port, '127.0.0.1');
  s.on('connect', () => { s.destroy(); resolve(false); });
  s.on('error', () => resolve(true));
});

/** A port that is taken for the duration of the test (a listening server of ours). */
function occupyPort() {
  return new Promise(resolve => {
    const server = net.createServer().listen(0, '127.0.0.1', () => resolve(server));
  });
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'djl-start-test-'));
});

after(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('start.sh: JupyterLab with the tutorials, a Java cell, Ctrl-C shuts the kernel and its endpoint down and exits 0', async () => {
  const before = Object.fromEntries(TUTORIALS.map(n => [n, fs.readFileSync(path.join(NOTEBOOKS, n), 'utf8')]));
  // JupyterLab makes a checkpoint of a notebook it opens: leave none behind where there was none
  const checkpoints = path.join(NOTEBOOKS, '.ipynb_checkpoints');
  const hadCheckpoints = fs.existsSync(checkpoints);
  const taken = await occupyPort();
  const takenPort = taken.address().port;
  const lab = await start(startEnv('sigint'), ['--port', String(takenPort)]);
  try {
    assert.notEqual(lab.port, takenPort, 'the port asked for is taken: start.sh must move to a free one');
    assert.doesNotMatch(lab.output(), /Traceback/);

    // the token is required, as in `jupyter lab`
    assert.equal((await fetch(`http://127.0.0.1:${lab.port}/api/kernels`)).status, 403);
    assert.equal((await fetch(`http://127.0.0.1:${lab.port}/api/kernels?token=${lab.token}`)).status, 200);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync']
    });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    try {
      await page.goto(lab.url);
      await page.waitForSelector('body[data-lab-ready="true"]', { state: 'attached', timeout: 60_000 });
      await page.waitForSelector('#djl-devices-panel', { state: 'attached', timeout: 30_000 }); // our extension

      // the file browser shows notebooks/: every tutorial is listed
      const listing = page.locator('.jp-FileBrowser .jp-DirListing-item .jp-DirListing-itemText');
      await listing.filter({ hasText: TUTORIALS[0] }).first().waitFor({ timeout: 30_000 });
      const names = await listing.allTextContents();
      for (const n of TUTORIALS) assert.ok(names.includes(n), `${n} not in the file browser: ${names}`);

      // open the getting-started tutorial the way a person does, add a cell on top and run 1+1
      await listing.filter({ hasText: 'getting-started.ipynb' }).first().dblclick();
      await page.locator('.jp-StatusBar-TextItem', { hasText: /Java \(DJL\) \| Idle/ }).first().waitFor({ timeout: 120_000 });
      await page.locator('.jp-Notebook .jp-Cell').first().waitFor();
      const runFirstCell = async source => {
        const cell = page.locator('.jp-Notebook .jp-Cell').first();
        await cell.locator('.jp-InputArea-editor').click();
        await page.keyboard.press('Control+A');
        await page.keyboard.insertText(source);
        await page.keyboard.press('Control+Enter');
        const out = cell.locator('.jp-OutputArea-output');
        await out.first().waitFor({ timeout: 120_000 });
        return (await out.first().textContent()).trim();
      };
      await page.locator('.jp-Notebook .jp-Cell').first().click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Escape');
      await page.keyboard.press('a'); // insert a code cell above, in command mode
      assert.equal(await runFirstCell('1+1'), '2');
      const pid = Number(await runFirstCell('ProcessHandle.current().pid()'));
      kernelPid = pid;
      assert.ok(pid > 1 && alive(pid), `the kernel's pid, got ${pid}`);
      // an endpoint, which the kernel's shutdown must drain and close
      const servePort = await new Promise(resolve => {
        const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
      });
      await runFirstCell(`%models --root ${MODELS}\n%model load colours classifier --translator image-classification --size 32\n` +
        `%serve colours --port ${servePort}`);
      await page.locator('.jp-Notebook .jp-Cell').first().locator('.jp-OutputArea', { hasText: 'Serving colours at' })
        .waitFor({ timeout: 120_000 });
      assert.equal((await fetch(`http://127.0.0.1:${servePort}/v2/health/ready`)).status, 200);

      lab.proc.kill('SIGINT');
      const { code, signal } = await exitWithin(lab.exited, 15_000, lab.output);
      assert.equal(signal, null, lab.output());
      assert.equal(code, 0, lab.output());
      assert.ok(await waitGone(pid, 5_000), `the kernel (pid ${pid}) outlived the server`);
      const log = fs.readFileSync(path.join(tmp, 'sigint/logs', `kernel-${pid}.log`), 'utf8');
      assert.match(log, /kernel stopped/, 'the kernel was killed, not shut down');
      assert.match(log, /stopped 1 serving endpoint\(s\) at shutdown \(in-flight requests drained\)/);
      assert.ok(await refused(servePort), 'the endpoint still listens after the kernel stopped');
      assert.ok(await refused(lab.port), 'the server still listens after exiting');
    } catch (e) {
      await page.screenshot({ path: path.join(process.env.FAIL_SHOTS ?? os.tmpdir(), 'start-failed.png') }).catch(() => {});
      throw e;
    }
  } finally {
    taken.close();
    if (lab.proc.exitCode === null) lab.proc.kill('SIGKILL');
    if (kernelPid && alive(kernelPid)) process.kill(kernelPid, 'SIGKILL'); // orphaned by a failed shutdown
    if (!hadCheckpoints) fs.rmSync(checkpoints, { recursive: true, force: true });
  }
  for (const n of TUTORIALS) assert.equal(fs.readFileSync(path.join(NOTEBOOKS, n), 'utf8'), before[n], `${n} changed`);
});

test('start.sh: SIGTERM shuts a running kernel down and exits 0', async () => {
  const env = startEnv('sigterm');
  const lab = await start(env, ['--port', String(20000 + Math.floor(Math.random() * 20000))]);
  try {
    assert.match(lab.output(), /The kernel is installed for this user/, 'the first test installed this jar already');
    const logs = env.DJL_KERNEL_LOG_DIR;
    const earlier = new Set(fs.existsSync(logs) ? fs.readdirSync(logs) : []); // the install's training run
    const res = await fetch(`http://127.0.0.1:${lab.port}/api/kernels?token=${lab.token}`, {
      method: 'POST', body: JSON.stringify({ name: 'java' }), headers: { 'Content-Type': 'application/json' }
    });
    assert.equal(res.status, 201, await res.text());
    let pid = 0;
    const deadline = Date.now() + 60_000;
    while (!pid && Date.now() < deadline) {
      const added = (fs.existsSync(logs) ? fs.readdirSync(logs) : []).filter(n => !earlier.has(n));
      const m = added.map(n => /^kernel-(\d+)\.log$/.exec(n)).find(Boolean);
      if (m && /kernel started/.test(fs.readFileSync(path.join(logs, m[0]), 'utf8'))) pid = Number(m[1]);
      else await new Promise(r => setTimeout(r, 200));
    }
    assert.ok(pid > 1 && alive(pid), 'the kernel did not start');
    kernelPid = pid;

    lab.proc.kill('SIGTERM');
    const { code, signal } = await exitWithin(lab.exited, 15_000, lab.output);
    assert.equal(signal, null, lab.output());
    assert.equal(code, 0, lab.output());
    assert.ok(await waitGone(pid, 5_000), `the kernel (pid ${pid}) outlived the server`);
    assert.match(fs.readFileSync(path.join(logs, `kernel-${pid}.log`), 'utf8'), /kernel stopped/);
  } finally {
    if (lab.proc.exitCode === null) lab.proc.kill('SIGKILL');
    if (kernelPid && alive(kernelPid)) process.kill(kernelPid, 'SIGKILL');
  }
});
