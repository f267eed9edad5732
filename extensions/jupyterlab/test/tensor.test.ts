import { describe, expect, it } from 'vitest';
import {
  formatCell, grayPixels, headerText, heatColor, leadingAxes, parseTensor, sampleRange, sampleRows,
  sliceAvailable, sliceExpression, statsText, TensorDoc
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
  it('offers an axis picker for N-D arrays and knows which slice was sent', () => {
    const nd: TensorDoc = { ...m34, shape: [2, 5, 3, 4], sample: { ...m34.sample!, offset: [0, 0, 0, 0] } };
    expect(leadingAxes(nd)).toEqual([{ axis: 0, size: 2, sampled: 0 }, { axis: 1, size: 5, sampled: 0 }]);
    expect(leadingAxes(m34)).toEqual([]);
    expect(sliceAvailable(nd, [0, 0])).toBe(true);
    expect(sliceAvailable(nd, [1, 0])).toBe(false);
    expect(sliceExpression([1, 3])).toBe('get(1, 3)');
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
