/** The application/vnd.djl.ndarray+json document (see NDArrayRenderer.java) and the viewer's data handling. */

export const NDARRAY_MIME = 'application/vnd.djl.ndarray+json';

export type Cell = number | boolean | string | null;

export interface TensorDoc {
  version?: number;
  shape: number[];
  dtype: string;
  device: string;
  device_type?: string;
  numel?: number;
  name?: string;
  image_layout?: 'HWC' | 'CHW' | 'HW';
  sample?: { offset: number[]; shape: number[]; data: Cell[] | Cell[][]; truncated: boolean };
  stats?: {
    count?: number;
    nan_count?: number;
    inf_count?: number;
    min?: Cell;
    max?: Cell;
    mean?: Cell;
    std?: Cell;
    std_sampled?: boolean;
  };
}

export function parseTensor(data: unknown): TensorDoc | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as TensorDoc;
  if (!Array.isArray(d.shape) || typeof d.dtype !== 'string') return null;
  return d;
}

/** JSON numbers or the strings "NaN", "Infinity", "-Infinity" as JS numbers; booleans as 0/1; else null. */
export function toNumber(v: Cell): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return null;
}

export function formatCell(v: Cell, dtype = ''): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v === 'Infinity' ? 'inf' : v === '-Infinity' ? '-inf' : v === 'NaN' ? 'nan' : v;
  if (/int|uint/.test(dtype) && Number.isInteger(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toFixed(1);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

export function shapeText(shape: number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

export function headerText(d: TensorDoc): string {
  return `${d.name ? d.name + ' · ' : ''}shape ${shapeText(d.shape)} · ${d.dtype} · ${d.device}`;
}

export function statsText(d: TensorDoc): string {
  const s = d.stats;
  if (!s) return d.shape.includes(0) ? 'empty' : '';
  const parts: string[] = [];
  for (const k of ['min', 'max', 'mean', 'std'] as const) {
    if (s[k] !== undefined && s[k] !== null) parts.push(`${k} ${formatCell(s[k] as Cell)}${k === 'std' && s.std_sampled ? '~' : ''}`);
  }
  if (s.nan_count) parts.push(`NaN ×${s.nan_count}`);
  if (s.inf_count) parts.push(`inf ×${s.inf_count}`);
  return parts.join(' · ');
}

/** The sample as rows of cells (0-D → 1×1, 1-D → 1×n). */
export function sampleRows(d: TensorDoc): Cell[][] {
  const s = d.sample;
  if (!s) return [];
  if (s.shape.length >= 2) return s.data as Cell[][];
  return [s.data as Cell[]];
}

/** The leading axes an axis picker offers (all but the last two); each with its size and the sampled index. */
export function leadingAxes(d: TensorDoc): { axis: number; size: number; sampled: number }[] {
  const out = [];
  for (let i = 0; i < d.shape.length - 2; i++) out.push({ axis: i, size: d.shape[i], sampled: d.sample?.offset?.[i] ?? 0 });
  return out;
}

/** Whether the picked leading indices are the slice the kernel sent. */
export function sliceAvailable(d: TensorDoc, picked: number[]): boolean {
  return leadingAxes(d).every((a, i) => (picked[i] ?? a.sampled) === a.sampled);
}

/** The index expression for the picked slice, e.g. "x.get(1, 0)" for the user to display it. */
export function sliceExpression(picked: number[]): string {
  return `get(${picked.join(', ')})`;
}

/** Min and max over the finite numbers of the sample (the heatmap's scale). */
export function sampleRange(rows: Cell[][]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) for (const c of r) {
    const v = toNumber(c);
    if (v === null || !isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A heatmap colour (viridis-like blue→yellow) for v on [lo, hi]; NaN/±inf get a grey. */
export function heatColor(v: Cell, range: [number, number] | null): string {
  const n = toNumber(v);
  if (n === null || !isFinite(n) || !range) return 'rgb(160,160,160)';
  const [lo, hi] = range;
  const t = hi === lo ? 0.5 : (n - lo) / (hi - lo);
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37]
  ];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Whether the array looks like a picture (the kernel's image_layout, or a 2-D array whose sample is whole). */
export function isImageShaped(d: TensorDoc): boolean {
  return !!d.image_layout;
}

/** Grey-level bytes (row-major) of a 2-D sample, scaled to 0..255 ([0,1] floats and uint8 kept as is). */
export function grayPixels(d: TensorDoc): { width: number; height: number; pixels: Uint8ClampedArray } | null {
  const rows = sampleRows(d);
  if (rows.length === 0 || !d.sample || d.sample.shape.length < 2) return null;
  const h = rows.length;
  const w = rows[0].length;
  const range = sampleRange(rows);
  const unit = range && range[0] >= 0 && range[1] <= 1 && !/int/.test(d.dtype);
  const bytes = /uint8|int8/.test(d.dtype) || (range && range[0] >= 0 && range[1] <= 255 && range[1] > 1);
  const px = new Uint8ClampedArray(w * h * 4);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
    const v = toNumber(rows[r][c]);
    let g = 0;
    if (v !== null && isFinite(v)) {
      if (unit) g = v * 255;
      else if (bytes) g = v;
      else if (range) g = range[1] === range[0] ? 128 : ((v - range[0]) * 255) / (range[1] - range[0]);
    }
    const o = (r * w + c) * 4;
    px[o] = px[o + 1] = px[o + 2] = g;
    px[o + 3] = 255;
  }
  return { width: w, height: h, pixels: px };
}
