import { describe, expect, it } from 'vitest';
import {
  canPage, defaultView, fixedAxes, formatCell, grayPixels, hasPicker, headerText, heatColor, parseSliceReply, parseTensor,
  sampleRange, sampleRows, SliceCache, sliceExpression, sliceRequest, sliceText, statsText, TensorDoc, viewKey,
  windowOf, withAxis, withIndex, withSample, withWindow
} from '../src/model/tensor';

// What NDArrayRenderer.json() writes for manager.arange(12f).reshape(3, 4).
const m34: TensorDoc = {
  version: 1, shape: [3, 4], dtype: 'float32', device: 'cpu()', device_type: 'cpu', numel: 12,
  sample: { offset: [0, 0], shape: [3, 4], data: [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], truncated: false },
  stats: { count: 12, nan_count: 0, inf_count: 0, min: 0, max: 11, mean: 5.5, std: 3.452052529534663, std_sampled: false }
};

describe('tensor document', () => {
  it('parses and writes the header and stats', () => {
    expect(parseTensor(m34)).toBe(m34);
    expect(parseTensor({ shape: 'x' })).toBeNull();
    expect(headerText(m34)).toBe('shape (3, 4) · float32 · cpu()');
    expect(headerText({ ...m34, shape: [5], name: 'w' })).toBe('w · shape (5,) · float32 · cpu()');
    expect(statsText(m34)).toBe('min 0.0 · max 11.0 · mean 5.5 · std 3.45205');
    expect(statsText({ ...m34, stats: { min: 'NaN', nan_count: 2, std: 1, std_sampled: true } })).toBe('min nan · std 1.0~ · NaN ×2');
  });
  it('formats cells by dtype', () => {
    expect(formatCell(3, 'int32')).toBe('3');
    expect(formatCell(3, 'float32')).toBe('3.0');
    expect(formatCell(0.123456789, 'float32')).toBe('0.123457');
    expect(formatCell(1e-7, 'float64')).toBe('1.0000e-7');
    expect(formatCell('Infinity')).toBe('inf');
    expect(formatCell('-Infinity')).toBe('-inf');
    expect(formatCell(true, 'boolean')).toBe('true');
  });
  it('gives rows for 0-D, 1-D and 2-D samples', () => {
    expect(sampleRows(m34).length).toBe(3);
    expect(sampleRows({ ...m34, shape: [4], sample: { offset: [0], shape: [4], data: [1, 2, 3, 4], truncated: false } })).toEqual([[1, 2, 3, 4]]);
    expect(sampleRows({ ...m34, shape: [], sample: { offset: [], shape: [], data: [7], truncated: false } })).toEqual([[7]]);
    expect(sampleRows({ ...m34, sample: undefined })).toEqual([]);
  });
  it('offers an axis picker for N-D arrays, starting at the slice that was sent', () => {
    const nd: TensorDoc = { ...m34, shape: [2, 5, 3, 4], id: 'abc', sample: { ...m34.sample!, offset: [0, 0, 0, 0] } };
    const v = defaultView(nd);
    expect(v).toEqual({ index: [0, 0, 0, 0], rowsAxis: 2, colsAxis: 3 });
    expect(hasPicker(nd)).toBe(true);
    expect(hasPicker(m34)).toBe(false);
    expect(hasPicker({ ...nd, sample: undefined })).toBe(false);
    expect(fixedAxes(nd, v)).toEqual([{ axis: 0, size: 2, index: 0 }, { axis: 1, size: 5, index: 0 }]);
    // a sample that says which axes it spans (a djl.tensor answer) gives that view back
    expect(defaultView({ ...nd, sample: { ...nd.sample!, offset: [1, 0, 0, 2], rows_axis: 3, cols_axis: 0 } }))
      .toEqual({ index: [1, 0, 0, 2], rowsAxis: 3, colsAxis: 0 });
  });
  it('changes indices within the axis and swaps rows and columns', () => {
    const nd: TensorDoc = { ...m34, shape: [2, 5, 3, 4], id: 'abc' };
    const v = defaultView(nd);
    expect(withIndex(nd, v, 1, 3).index).toEqual([0, 3, 0, 0]);
    expect(withIndex(nd, v, 1, 99).index).toEqual([0, 4, 0, 0]);
    expect(withIndex(nd, v, 0, -1).index).toEqual([0, 0, 0, 0]);
    expect(v.index).toEqual([0, 0, 0, 0]); // views are values
    // axis 1 becomes the rows axis: its picked index no longer applies, the old rows axis gets a fixed index
    const r = withAxis(withIndex(nd, v, 1, 3), 'rows', 1);
    expect(r).toEqual({ index: [0, 0, 0, 0], rowsAxis: 1, colsAxis: 3 });
    expect(fixedAxes(nd, r).map(a => a.axis)).toEqual([0, 2]);
    // picking the columns axis for the rows is a transpose
    expect(withAxis(v, 'rows', 3)).toEqual({ index: [0, 0, 0, 0], rowsAxis: 3, colsAxis: 2 });
    expect(withAxis(v, 'cols', 2)).toEqual({ index: [0, 0, 0, 0], rowsAxis: 3, colsAxis: 2 });
  });
  it('names the slice and builds the djl.tensor request', () => {
    const nd: TensorDoc = { ...m34, shape: [2, 5, 3, 4], id: 'abc' };
    const v = withIndex(nd, defaultView(nd), 0, 1);
    expect(sliceText(v)).toBe('[1, 0, :, :]');
    expect(sliceExpression(v)).toBe('get("1, 0, :, :")');
    const t = withAxis(v, 'rows', 3);
    expect(sliceText(t)).toBe('[1, 0, :, :].T');
    expect(sliceExpression(t)).toBe('get("1, 0, :, :").transpose()');
    expect(sliceText({ index: [1, 64, 0], rowsAxis: 1, colsAxis: 2 })).toBe('[1, 64:, :]');
    expect(sliceRequest(nd, v)).toEqual({ id: 'abc', index: [1, 0, 0, 0], rows_axis: 2, cols_axis: 3 });
    expect(sliceRequest({ ...nd, id: undefined }, v)).toBeNull();
    expect(viewKey(v)).not.toBe(viewKey(t));
  });
  it('reads the kernel\'s answers: a slice, an error, an array the kernel no longer holds', () => {
    const sample = { offset: [1, 0, 0], shape: [2, 3], data: [[12, 13, 14], [16, 17, 18]], truncated: true, rows_axis: 1, cols_axis: 2 };
    expect(parseSliceReply({ id: 'abc', sample })).toEqual({ sample });
    expect(parseSliceReply({ id: 'abc', error: 'no longer holds', gone: true })).toEqual({ error: 'no longer holds', gone: true });
    expect(parseSliceReply({ error: 'index 9 is out of range' })).toEqual({ error: 'index 9 is out of range', gone: false });
    // rows that do not match the shape are not shown as if they were the slice
    expect('error' in parseSliceReply({ sample: { ...sample, data: [[1, 2, 3]] } })).toBe(true);
    expect('error' in parseSliceReply({ sample: { ...sample, data: [[1, 2], [3, 4]] } })).toBe(true);
    expect('error' in parseSliceReply(null)).toBe(true);
    // the table and heatmap read the answer as they read the document's own sample
    const d: TensorDoc = { ...m34, shape: [2, 3, 4] };
    expect(sampleRows(withSample(d, sample))).toEqual([[12, 13, 14], [16, 17, 18]]);
    expect(sampleRange(sampleRows(withSample(d, sample)))).toEqual([12, 18]);
  });
  it('keeps fetched slices, dropping the least recently used', () => {
    const c = new SliceCache(2);
    const s = (n: number) => ({ offset: [n, 0, 0], shape: [1, 1], data: [[n]], truncated: true });
    const v = (n: number) => ({ index: [n, 0, 0], rowsAxis: 1, colsAxis: 2 });
    c.put(v(0), s(0));
    c.put(v(1), s(1));
    expect(c.get(v(0))).toEqual(s(0)); // 0 is now the most recent
    c.put(v(2), s(2));
    expect(c.get(v(1))).toBeUndefined();
    expect(c.get(v(0))).toEqual(s(0));
    expect(c.size).toBe(2);
  });
  it('colours a heatmap over the finite range', () => {
    const rows = sampleRows(m34);
    expect(sampleRange(rows)).toEqual([0, 11]);
    expect(sampleRange([['NaN', 'Infinity']])).toBeNull();
    expect(heatColor(0, [0, 11])).toBe('rgb(68,1,84)');
    expect(heatColor(11, [0, 11])).toBe('rgb(253,231,37)');
    expect(heatColor('NaN', [0, 11])).toBe('rgb(160,160,160)');
    expect(heatColor(5, [5, 5])).toBe('rgb(33,145,140)');
  });
  it('turns a 2-D sample into grey pixels', () => {
    const g = grayPixels({ ...m34, dtype: 'uint8', image_layout: 'HW', sample: { offset: [0, 0], shape: [1, 2], data: [[0, 255]], truncated: false } })!;
    expect([g.width, g.height]).toEqual([2, 1]);
    expect(Array.from(g.pixels)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    const f = grayPixels({ ...m34, sample: { offset: [0, 0], shape: [1, 2], data: [[0, 0.5]], truncated: false } })!;
    expect(f.pixels[4]).toBe(128);
  });
});

describe('paging a matrix larger than one window', () => {
  const big: TensorDoc = {
    ...m34,
    shape: [1000, 70],
    numel: 70000,
    id: 'm1',
    sample: { offset: [0, 0], shape: [64, 64], data: Array.from({ length: 64 }, () => new Array(64).fill(0)), truncated: true }
  };

  it('pages rows and columns that exceed the window, when the kernel holds the array', () => {
    const v = defaultView(big);
    expect(canPage(big, v, 'rows')).toBe(true);
    expect(canPage(big, v, 'cols')).toBe(true);
    expect(windowOf(big, v, 'rows')).toEqual({ start: 0, end: 64, size: 1000 });
    expect(canPage({ ...big, id: undefined }, v, 'rows')).toBe(false);
    expect(canPage({ ...big, shape: [64, 64] }, v, 'rows')).toBe(false);
  });

  it('moves the window and keeps it full at the end of the axis', () => {
    const v = defaultView(big);
    const next = withWindow(big, v, 'rows', 64);
    expect(next.index).toEqual([64, 0]);
    expect(windowOf(big, next, 'rows')).toEqual({ start: 64, end: 128, size: 1000 });
    expect(withWindow(big, v, 'rows', 990).index).toEqual([936, 0]);
    expect(withWindow(big, v, 'rows', -64).index).toEqual([0, 0]);
    expect(withWindow(big, v, 'cols', 64).index).toEqual([0, 6]);
    expect(sliceRequest(big, next)).toEqual({ id: 'm1', index: [64, 0], rows_axis: 0, cols_axis: 1 });
  });
});
