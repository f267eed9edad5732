// JupyterLab's visual debugger on a Java cell, in a real browser: the bug icon, a breakpoint set in the gutter,
// the variables panel, step over, continue, the cell's output. Runs against the lab app (lab/app, which lists
// @jupyterlab/debugger-extension) and a kernel installed with --debugger under the name java-debug.
// Env: LAB_URL (a running serve_lab.py), LAB_ROOT (its root dir), SHOTS (where screenshots go).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const LAB_URL = process.env.LAB_URL ?? 'http://127.0.0.1:8899';
const ROOT = process.env.LAB_ROOT;
const SHOTS = process.env.SHOTS ?? path.resolve('../../docs/images');
const FAIL_SHOTS = process.env.FAIL_SHOTS ?? os.tmpdir();
// Lines inside one statement (a loop: its locals in the Locals scope), and three top-level statements, which JShell
// runs as three snippets, each on its own thread: a step goes on from one to the next all the same.
const LOOP_CELL = 'for (int a = 1; a < 2; a++) {\n    int b = a + 1;\n    System.out.println(b);\n}';
const STATEMENTS_CELL = 'int a = 1;\nint b = a + 1;\nSystem.out.println(b);';
let browser;
let page;

function writeNotebook(name, source) {
  const nb = {
    cells: [{ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }],
    metadata: { kernelspec: { name: 'java-debug', display_name: 'Java (debug)', language: 'java' } },
    nbformat: 4,
    nbformat_minor: 5
  };
  fs.writeFileSync(path.join(ROOT, name), JSON.stringify(nb));
}

before(async () => {
  assert.ok(ROOT, 'LAB_ROOT must name the server root');
  writeNotebook('debugging.ipynb', LOOP_CELL);
  writeNotebook('stepping.ipynb', STATEMENTS_CELL);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});

after(async () => {
  await browser?.close();
});

const cell = () => page.locator('.jp-Notebook .jp-CodeCell').first();

/** Clicks the breakpoint gutter beside the cell's line n (1-based), as a person does. */
async function toggleBreakpoint(n) {
  const line = await cell().locator('.cm-line').nth(n - 1).boundingBox();
  const gutter = await cell().locator('.cm-gutter.cm-breakpoint-gutter').boundingBox();
  await page.mouse.click(gutter.x + gutter.width / 2, line.y + line.height / 2);
}

/** The lines of the cell the debugger highlights as where it stopped (1-based). */
const stoppedLines = () =>
  cell().locator('.cm-line').evaluateAll(lines =>
    lines.map((l, i) => (l.classList.contains('jp-DebuggerEditor-highlight') ? i + 1 : 0)).filter(Boolean));

/** Names and values shown in the variables panel's tree. */
const shownVariables = () =>
  page.locator('.jp-DebuggerVariables-body .jp-TreeItem').evaluateAll(items => Object.fromEntries(items.map(i => [
    i.querySelector('.jp-DebuggerVariables-name')?.textContent ?? '',
    i.querySelector('.jp-DebuggerVariables-detail')?.textContent ?? ''])));

async function waitFor(what, check, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await page.waitForTimeout(250);
  }
  await page.screenshot({ path: path.join(FAIL_SHOTS, 'debugger-failed.png') });
  throw new Error(`timed out waiting for ${what}`);
}

/** Opens the notebook, turns the debugger on with the bug icon, sets a breakpoint on line n and runs the cell. */
async function runWithBreakpoint(notebook, n) {
  await page.goto(`${LAB_URL}/lab/tree/${notebook}?reset`);
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { state: 'attached', timeout: 120_000 });

  // the bug icon is enabled only for a kernel that says it can be debugged (kernel_info debugger: true)
  const bug = page.locator('.jp-NotebookPanel-toolbar .jp-DebuggerBugButton').first();
  await bug.waitFor({ timeout: 60_000 });
  await waitFor('the bug icon to be enabled', async () => !(await bug.isDisabled()));
  // the bug icon acts on the current notebook only (focus it first, as a click into it does), and a click while
  // the debugger handler is still attaching to the fresh kernel is ignored: click again until it is pressed
  await cell().locator('.jp-InputPrompt').click();
  let clickedAt = 0;
  await waitFor('the debugger to be on', async () => {
    if ((await bug.getAttribute('aria-pressed')) === 'true') return true;
    if (Date.now() - clickedAt > 10_000) {
      await bug.click();
      clickedAt = Date.now();
    }
    return false;
  });
  await page.locator('.jp-DebuggerSidebar').waitFor({ state: 'visible', timeout: 30_000 });
  // the gutter appears once the debugger session has started
  await cell().locator('.cm-gutter.cm-breakpoint-gutter').waitFor({ timeout: 30_000 });

  await toggleBreakpoint(n);
  const listed = () => page.locator('.jp-DebuggerBreakpoint .jp-DebuggerBreakpoint-line').allTextContents();
  await waitFor(`the breakpoint on line ${n} in the breakpoints panel`, async () => (await listed()).join() === `${n}`);

  await cell().locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Control+Enter');
}

/** Shows the variables of the scope called name (Locals, Globals) in the variables panel, as its selector does. */
async function showScope(name) {
  await page.locator('.jp-DebuggerSidebar select[aria-label="Scope"]').first().selectOption(name);
}

const stepOver = () => page.locator('.jp-DebuggerSidebar [data-command="debugger:next"]').first().click();
const cont = () => page.locator('.jp-DebuggerSidebar [data-command="debugger:continue"]').first().click();

test('a breakpoint in a Java cell stops it; variables, step over, copy to globals and continue work from the debugger panel', async () => {
  await runWithBreakpoint('debugging.ipynb', 2);

  // stopped on line 2: the line is highlighted, the call stack shows the cell, the cell is still running
  await waitFor('the cell to stop on line 2', async () => (await stoppedLines()).join() === '2');
  assert.match(await cell().locator('.jp-InputPrompt').textContent(), /\[\*\]/);
  await page.locator('.jp-DebuggerCallstackFrame').first().waitFor({ timeout: 30_000 });
  // the loop's local a, in the variables panel's first scope (Locals)
  const vars = await waitFor('a = 1 in the variables panel', async () => {
    const v = await shownVariables();
    return /\b1\b/.test(v.a ?? '') ? v : null;
  });
  assert.equal(vars.b, undefined, 'b is not declared yet on line 2');

  // step over line 2: stopped on line 3, b = a + 1 is there
  await stepOver();
  await waitFor('the cell to stop on line 3', async () => (await stoppedLines()).join() === '3');
  const after = await waitFor('b = 2 in the variables panel', async () => {
    const v = await shownVariables();
    return /\b2\b/.test(v.b ?? '') ? v : null;
  });
  assert.match(after.a, /\b1\b/);
  assert.equal((await cell().locator('.jp-OutputArea-output').allTextContents()).join('').trim(), '', 'nothing printed before line 3 ran');
  await shot('debugger.png');

  // the loop's local b to the session: select it, then "Copy Variable to Globals" from its context menu (offered
  // because debugInfo says copyToGlobals); the Globals scope lists it at once
  const local = page.locator('.jp-DebuggerVariables-body .jp-TreeItem', { has: page.locator('.jp-DebuggerVariables-name', { hasText: /^b$/ }) }).first();
  await local.click();
  await local.click({ button: 'right' });
  await page.locator('.lm-Menu-item', { hasText: 'Copy Variable to Globals' }).click();
  await showScope('Globals');
  await waitFor('b = 2 in the Globals', async () => /\b2\b/.test((await shownVariables()).b ?? ''));

  await cont();
  await waitFor('the cell to finish', async () => /\[\d+\]/.test(await cell().locator('.jp-InputPrompt').textContent()));
  assert.equal((await cell().locator('.jp-OutputArea').textContent()).trim(), '2');
  assert.deepEqual(await stoppedLines(), []);
  assert.equal(await page.locator('.jp-DebuggerCallstackFrame').count(), 0);

  // a new cell below uses the copied b
  await cell().locator('.jp-InputPrompt').click(); // the cell in command mode
  await page.keyboard.press('b');
  const next = page.locator('.jp-Notebook .jp-CodeCell').nth(1);
  await next.locator('.jp-InputArea-editor').click();
  await page.keyboard.type('System.out.println(b * 10);');
  await page.keyboard.press('Control+Enter');
  await waitFor('the new cell to print 20', async () => (await next.locator('.jp-OutputArea').textContent()).trim() === '20');
});

test('step over goes on from one top-level statement of a cell to the next, with no breakpoint there', async () => {
  await runWithBreakpoint('stepping.ipynb', 2);
  await waitFor('the cell to stop on line 2', async () => (await stoppedLines()).join() === '2');
  await page.locator('.jp-DebuggerCallstackFrame').first().waitFor({ timeout: 30_000 });
  // a and b are the session's variables (JShell fields), in the Globals scope
  await showScope('Globals');
  const before = await waitFor('a = 1 in the Globals', async () => {
    const v = await shownVariables();
    return /\b1\b/.test(v.a ?? '') ? v : null;
  });
  assert.ok(before.b === undefined || /\b0\b/.test(before.b), `b is not set yet on line 2 (shown: ${before.b})`);

  // line 2 is the last line of its statement: the step stops on line 3, the next statement, on its own thread
  await stepOver();
  await waitFor('the cell to stop on line 3', async () => (await stoppedLines()).join() === '3');
  await showScope('Globals');
  const after = await waitFor('b = 2 in the Globals', async () => {
    const v = await shownVariables();
    return /\b2\b/.test(v.b ?? '') ? v : null;
  });
  assert.match(after.a, /\b1\b/);
  assert.match(await cell().locator('.jp-InputPrompt').textContent(), /\[\*\]/);
  assert.equal((await cell().locator('.jp-OutputArea-output').allTextContents()).join('').trim(), '', 'nothing printed before line 3 ran');
  await shot('debugger-step.png');

  // off the last statement: the cell ends, nothing stays highlighted
  await stepOver();
  await waitFor('the cell to finish', async () => /\[\d+\]/.test(await cell().locator('.jp-InputPrompt').textContent()));
  assert.equal((await cell().locator('.jp-OutputArea').textContent()).trim(), '2');
  await waitFor('no stopped line', async () => (await stoppedLines()).length === 0);
  assert.equal(await page.locator('.jp-DebuggerCallstackFrame').count(), 0);
});

async function shot(name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name) });
}
