/** The application/vnd.djl.ndarray+json document (see NDArrayRenderer.java) and the viewer's data handling. */

export const NDARRAY_MIME = 'application/vnd.djl.ndarray+json';

export type Cell = number | boolean | string | null;

export interface Sample {
  offset: number[];
  shape: number[];
  data: Cell[] | Cell[][];
  truncated: boolean;
  rows_axis?: number;
  cols_axis?: number;
}

export interface TensorDoc {
  version?: number;
  shape: number[];
  dtype: string;
  device: string;
  device_type?: string;
  numel?: number;
  name?: string;
  image_layout?: 'HWC' | 'CHW' | 'HW';
  /** Present on N-D documents: what the djl.tensor comm knows the array by (while the kernel holds it). */
  id?: string;
  sample?: Sample;
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

/**
 * Which 2-D slice the viewer shows: the axis down the rows, the axis across the columns, and an index for every
 * axis (for the rows and columns axes it is where the window of at most 64×64 starts).
 */
export interface SliceView {
  index: number[];
  rowsAxis: number;
  colsAxis: number;
}

/** The slice the document's own sample shows. */
export function defaultView(d: TensorDoc): SliceView {
  const n = d.shape.length;
  const offset = d.sample?.offset ?? [];
  return {
    index: d.shape.map((_, i) => offset[i] ?? 0),
    rowsAxis: d.sample?.rows_axis ?? Math.max(0, n - 2),
    colsAxis: d.sample?.cols_axis ?? Math.max(0, n - 1)
  };
}

/** Whether the viewer offers the axis picker: N-D arrays (3 or more axes) with something to show. */
export function hasPicker(d: TensorDoc): boolean {
  return d.shape.length >= 3 && !!d.sample;
}

/** The axes held at one index (all but rows and columns), with their sizes and picked indices. */
export function fixedAxes(d: TensorDoc, v: SliceView): { axis: number; size: number; index: number }[] {
  const out = [];
  for (let i = 0; i < d.shape.length; i++) {
    if (i !== v.rowsAxis && i !== v.colsAxis) out.push({ axis: i, size: d.shape[i], index: v.index[i] ?? 0 });
  }
  return out;
}

/** The view with another index on a fixed axis (clamped to the axis). */
export function withIndex(d: TensorDoc, v: SliceView, axis: number, i: number): SliceView {
  const index = v.index.slice();
  index[axis] = Math.max(0, Math.min((d.shape[axis] ?? 1) - 1, Math.trunc(i)));
  return { ...v, index };
}

/**
 * The view with another rows (or columns) axis. Picking the axis the other role has swaps the two (a transpose);
 * a newly chosen rows/columns axis starts its window at 0.
 */
export function withAxis(v: SliceView, role: 'rows' | 'cols', axis: number): SliceView {
  const index = v.index.slice();
  let rowsAxis = v.rowsAxis;
  let colsAxis = v.colsAxis;
  if (role === 'rows') {
    if (axis === colsAxis) colsAxis = rowsAxis;
    rowsAxis = axis;
  } else {
    if (axis === rowsAxis) rowsAxis = colsAxis;
    colsAxis = axis;
  }
  if (rowsAxis !== v.rowsAxis && rowsAxis !== v.colsAxis) index[rowsAxis] = 0;
  if (colsAxis !== v.rowsAxis && colsAxis !== v.colsAxis) index[colsAxis] = 0;
  return { index, rowsAxis, colsAxis };
}

/** Rows and columns the kernel sends per slice (the window the table pages through). */
export const WINDOW = 64;

/** The rows (or columns) window of a view: where it starts and ends on its axis, and the axis' size. */
export function windowOf(d: TensorDoc, v: SliceView, role: 'rows' | 'cols'): { start: number; end: number; size: number } {
  const axis = role === 'rows' ? v.rowsAxis : v.colsAxis;
  const size = d.shape[axis] ?? 0;
  const start = Math.max(0, Math.min(v.index[axis] ?? 0, size));
  return { start, end: Math.min(size, start + WINDOW), size };
}

/** Whether the table can page along rows or columns: the kernel holds the array and the axis exceeds a window. */
export function canPage(d: TensorDoc, v: SliceView, role: 'rows' | 'cols'): boolean {
  return !!d.id && !!d.sample && d.shape.length >= 2 && windowOf(d, v, role).size > WINDOW;
}

/** The view with its rows (or columns) window moved to start at {@code start}, clamped so it stays full. */
export function withWindow(d: TensorDoc, v: SliceView, role: 'rows' | 'cols', start: number): SliceView {
  const axis = role === 'rows' ? v.rowsAxis : v.colsAxis;
  const size = d.shape[axis] ?? 0;
  const index = v.index.slice();
  index[axis] = Math.max(0, Math.min(Math.max(0, size - WINDOW), Math.trunc(start)));
  return { ...v, index };
}

export function viewKey(v: SliceView): string {
  return `${v.index.join(',')}|${v.rowsAxis}|${v.colsAxis}`;
}

/** The slice in index notation, ':' for the rows and columns axes, e.g. "[1, :, :]" (".T" when transposed). */
export function sliceText(v: SliceView): string {
  const parts = v.index.map((i, k) => (k === v.rowsAxis || k === v.colsAxis ? (i ? `${i}:` : ':') : String(i)));
  return `[${parts.join(', ')}]${v.rowsAxis > v.colsAxis ? '.T' : ''}`;
}

/** What to display in a cell to see this slice without the viewer, e.g. x.get("1, :, :"). */
export function sliceExpression(v: SliceView): string {
  const parts = v.index.map((i, k) => (k === v.rowsAxis || k === v.colsAxis ? (i ? `${i}:` : ':') : String(i)));
  return `get("${parts.join(', ')}")${v.rowsAxis > v.colsAxis ? '.transpose()' : ''}`;
}

/** The djl.tensor request for a view, or null when the document has no id (an old kernel, a 2-D array). */
export function sliceRequest(d: TensorDoc, v: SliceView): { id: string; index: number[]; rows_axis: number; cols_axis: number } | null {
  if (!d.id) return null;
  return { id: d.id, index: v.index.slice(), rows_axis: v.rowsAxis, cols_axis: v.colsAxis };
}

export type SliceReply = { sample: Sample } | { error: string; gone: boolean };

/** A djl.tensor answer: a 2-D sample (checked to be rows × columns as its shape says), or an error. */
export function parseSliceReply(data: unknown): SliceReply {
  const r = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  if (typeof r.error === 'string') return { error: r.error, gone: r.gone === true };
  const s = r.sample as Sample | undefined;
  const ok =
    !!s &&
    Array.isArray(s.shape) &&
    s.shape.length === 2 &&
    Array.isArray(s.data) &&
    s.data.length === s.shape[0] &&
    (s.data as unknown[]).every(row => Array.isArray(row) && row.length === s.shape[1]);
  return ok ? { sample: s as Sample } : { error: 'the kernel sent a slice the viewer cannot read', gone: false };
}

/** The document with another sample, so the table, heatmap and grey image show that slice. */
export function withSample(d: TensorDoc, sample: Sample): TensorDoc {
  return { ...d, sample };
}

/** Slices already fetched, by view (least recently used dropped past the limit). */
export class SliceCache {
  constructor(private limit = 32) {}
  get(v: SliceView): Sample | undefined {
    const k = viewKey(v);
    const s = this.map.get(k);
    if (s) {
      this.map.delete(k);
      this.map.set(k, s);
    }
    return s;
  }
  put(v: SliceView, s: Sample): void {
    const k = viewKey(v);
    this.map.delete(k);
    this.map.set(k, s);
    while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
  private map = new Map<string, Sample>();
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
