import { describe, expect, it } from 'vitest';
import {
  escapeHtml, isFlagged, isNumberCell, layersHtml, LayersDoc, lossPath, parseLayers, sparklinePath, sparkTitle, toNumber
} from '../src/model/layers';

// The shape LayerTable.json() writes for trace(net, x) of Linear → log (the log makes NaN from negatives).
const trace: LayersDoc = {
  version: 1,
  kind: 'trace',
  title: 'SequentialBlock on cpu(), input (2, 3): 3 calls',
  columns: ['layer', 'type', 'output', 'NaN'],
  rows: [
    { path: '', depth: 0, type: 'SequentialBlock', cells: ['(root)', 'SequentialBlock', '(2, 2)', '2'], flag: 'nan',
      nan_count: 2, inf_count: 0, min: -0.5, max: 0.25, histogram: [1, 0, 0, 1] },
    { path: '/01Linear', depth: 1, type: 'Linear', cells: ['01Linear', 'Linear', '(2, 2)', '0'], flag: null,
      nan_count: 0, inf_count: 0, min: -1, max: 3, histogram: [2, 0, 1, 1] },
    { path: '/02LambdaBlock', depth: 1, type: 'LambdaBlock', cells: ['02LambdaBlock', 'LambdaBlock', '(2, 2)', '2'],
      flag: 'nan', nan_count: 2, inf_count: 0, min: 'NaN', max: 'NaN', histogram: [] }
  ],
  truncated: false,
  notes: ['time: wall time of each call']
};

describe('layer document', () => {
  it('parses what the kernel sends and rejects anything else', () => {
    expect(parseLayers(trace)?.rows.length).toBe(3);
    expect(parseLayers({ title: 't', columns: [], rows: [{ path: '' }] })).toBeNull();
    expect(parseLayers('x')).toBeNull();
    expect(parseLayers({ title: 't', columns: ['a'], rows: [] })?.kind).toBe('trace');
  });
  it('reads the kernel\'s spelled-out non-finite numbers', () => {
    expect(toNumber('NaN')).toBeNaN();
    expect(toNumber('Infinity')).toBe(Infinity);
    expect(toNumber('-Infinity')).toBe(-Infinity);
    expect(toNumber(1.5)).toBe(1.5);
  });
  it('flags rows with NaN or Inf, or a kernel flag', () => {
    expect(trace.rows.map(isFlagged)).toEqual([true, false, true]);
    expect(isFlagged({ path: 'w', depth: 0, cells: [], flag: 'exploding' })).toBe(true);
    expect(isFlagged({ path: 'w', depth: 0, cells: [], inf_count: 1 })).toBe(true);
  });
});

describe('sparkline', () => {
  it('draws the histogram with the tallest bin at full height', () => {
    expect(sparklinePath([2, 0, 1, 1], 8, 10)).toBe('M0,10 L0,0 L2,0 L2,10 L4,10 L4,5 L6,5 L6,5 L8,5 L8,10 Z');
  });
  it('draws nothing without finite values', () => {
    expect(sparklinePath([], 8, 10)).toBe('');
    expect(sparklinePath([0, 0], 8, 10)).toBe('');
    expect(sparklinePath(undefined, 8, 10)).toBe('');
    expect(sparkTitle(trace.rows[2])).toBe('no finite values');
    expect(sparkTitle(trace.rows[1])).toBe('distribution of finite values, -1.000 … 3.000');
  });
});

describe('layer table', () => {
  it('highlights NaN rows, indents by depth and draws one sparkline per row with values', () => {
    const html = layersHtml(trace);
    expect(html.match(/<tr class="djl-LayerFlagged" data-flag="nan">/g)?.length).toBe(2);
    expect(html).toContain('3 rows · 2 flagged');
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).toContain('<td style="padding-left:16px">01Linear</td>');
    expect(html).toContain('<th>layer</th><th>distribution</th><th>type</th>');
    expect(html).toContain('note: time: wall time of each call');
  });
  it('aligns numbers right and words left', () => {
    expect(['-1.234', '5.000e-07', '46.9%', '—', 'inf', '-inf', '0', '288.2 MiB', '12'].every(isNumberCell)).toBe(true);
    expect(['Linear', '(2, 2)', 'float32', 'cpu', 'IllegalStateException: boom'].some(isNumberCell)).toBe(false);
    expect(layersHtml(trace)).toContain('<td>Linear</td><td>(2, 2)</td><td class="djl-Num">0</td>');
  });
  it('can show the flagged rows only', () => {
    const html = layersHtml(trace, true);
    expect(html).not.toContain('>01Linear<');
    expect(html).toContain('>02LambdaBlock<');
  });
  it('escapes everything the kernel sends', () => {
    const evil: LayersDoc = { ...trace, title: '<img src=x onerror=alert(1)>',
      rows: [{ path: '/x', depth: 0, cells: ['<script>alert(1)</script>'], flag: '"><b>' }], notes: ['<i>'] };
    const html = layersHtml(evil);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<i>');
    expect(html).toContain('data-flag="&quot;&gt;&lt;b&gt;"');
    expect(escapeHtml(`a&b'"`)).toBe('a&amp;b&#39;&quot;');
  });
});

describe('monitor loss line', () => {
  it('draws the sampled losses, highest at the top, skipping non-finite ones', () => {
    expect(lossPath([[1, 2, 'NaN'], [11, 1, 0.5], [21, 0, 0.9], [22, 'NaN', 'NaN']], 100, 10))
      .toBe('M0,0 L50,5 L100,10');
    expect(lossPath([[1, 2, 0.5]], 100, 10)).toBe('');
    expect(lossPath(undefined, 100, 10)).toBe('');
  });
  it('is shown for a monitor document only when there are two samples', () => {
    const monitor: LayersDoc = { ...trace, kind: 'monitor', loss_history: [[1, 0.7, 0.5], [11, 0.4, 0.8]] };
    expect(layersHtml(monitor)).toContain('<div class="djl-LossLine">');
    expect(layersHtml(trace)).not.toContain('djl-LossLine');
  });
});
