/**
 * The application/vnd.djl-kernel.layers+json document (see LayerTable.java) and the layer panel's rendering:
 * one row per layer, a sparkline of the layer's value distribution (its histogram), rows holding NaN/Inf or
 * otherwise flagged highlighted. Pure functions (no JupyterLab imports) so they are tested in node.
 */

export const LAYERS_MIME = 'application/vnd.djl-kernel.layers+json';

/** Numbers the kernel could not write as JSON numbers arrive as "NaN", "Infinity", "-Infinity". */
export type Num = number | string;

export interface LayerRow {
  path: string;
  depth: number;
  type?: string;
  cells: string[];
  flag?: string | null;
  shape?: string;
  dtype?: string;
  device?: string;
  count?: number;
  nan_count?: number;
  inf_count?: number;
  zero_fraction?: Num;
  min?: Num;
  max?: Num;
  mean?: Num;
  std?: Num;
  histogram?: number[];
  time_ms?: number;
  memory_bytes?: number;
  grad_norm?: Num;
  role?: string;
  error?: string;
}

export interface LayersDoc {
  version: number;
  kind: string;
  title: string;
  columns: string[];
  rows: LayerRow[];
  truncated?: boolean;
  notes?: string[];
  loss_history?: [number, Num, Num][];
}

export function parseLayers(data: unknown): LayersDoc | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Partial<LayersDoc>;
  if (typeof d.title !== 'string' || !Array.isArray(d.columns) || !Array.isArray(d.rows)) return null;
  for (const r of d.rows) {
    if (!r || typeof r !== 'object' || !Array.isArray((r as LayerRow).cells)) return null;
  }
  return { version: d.version ?? 1, kind: d.kind ?? 'trace', notes: [], ...d } as LayersDoc;
}

export function toNumber(v: Num | null | undefined): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return NaN;
}

/** Whether the row is one the panel highlights: NaN/Inf in it, or a flag the kernel set. */
export function isFlagged(row: LayerRow): boolean {
  return !!row.flag || (row.nan_count ?? 0) > 0 || (row.inf_count ?? 0) > 0;
}

/**
 * An SVG path drawing the histogram as a filled area, bins spread over width, the tallest bin at full height.
 * Empty or all-zero histograms give an empty string (nothing to draw: no finite values).
 */
export function sparklinePath(histogram: number[] | undefined, width: number, height: number): string {
  if (!histogram || histogram.length === 0) return '';
  const max = Math.max(...histogram);
  if (!(max > 0)) return '';
  const step = width / histogram.length;
  let d = `M0,${height}`;
  histogram.forEach((count, i) => {
    const y = +(height - (count / max) * height).toFixed(2);
    d += ` L${+(i * step).toFixed(2)},${y} L${+((i + 1) * step).toFixed(2)},${y}`;
  });
  return `${d} L${width},${height} Z`;
}

/**
 * An SVG polyline of the monitor's sampled losses (x: step, y: loss, the lowest at the bottom); non-finite losses
 * are left out (the stop that follows one is in the title). Fewer than two finite points give an empty string.
 */
export function lossPath(history: [number, Num, Num][] | undefined, width: number, height: number): string {
  const points = (history ?? []).map(([step, loss]) => [step, toNumber(loss)]).filter(([, l]) => isFinite(l));
  if (points.length < 2) return '';
  const xs = points.map(p => p[0]);
  const ys = points.map(p => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => +(x1 > x0 ? ((x - x0) / (x1 - x0)) * width : 0).toFixed(2);
  const sy = (y: number) => +(y1 > y0 ? height - ((y - y0) / (y1 - y0)) * height : height / 2).toFixed(2);
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x)},${sy(y)}`).join(' ');
}

/** Whether a table cell holds a number ("-1.234", "5.0e-07", "46.9%", "—", "inf"): those align right. */
export function isNumberCell(cell: string): boolean {
  return /^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?%?|—|-?inf|[\d.]+ [KMGT]?i?B)$/.test(cell.trim());
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export const SPARK_WIDTH = 64;
export const SPARK_HEIGHT = 16;

/** The sparkline cell's tooltip: the range the bins cover. */
export function sparkTitle(row: LayerRow): string {
  const min = toNumber(row.min);
  const max = toNumber(row.max);
  if (!isFinite(min) || !isFinite(max)) return 'no finite values';
  return `distribution of finite values, ${min.toPrecision(4)} … ${max.toPrecision(4)}`;
}

/** The panel's table as an HTML string: every text escaped, one sparkline per row, flagged rows marked. */
export function layersHtml(doc: LayersDoc, onlyFlagged = false): string {
  const flagged = doc.rows.filter(isFlagged).length;
  let html = `<div class="djl-LayersTitle">${escapeHtml(doc.title)}</div>`;
  html += `<div class="djl-LayersSummary">${doc.rows.length} rows · ${flagged} flagged</div>`;
  const loss = lossPath(doc.loss_history, 160, 24);
  if (loss) {
    html += `<div class="djl-LossLine">loss over the sampled steps <svg width="160" height="24" viewBox="0 0 160 24">`;
    html += `<path d="${loss}"/></svg></div>`;
  }
  html += '<table class="djl-LayersTable"><thead><tr>';
  doc.columns.forEach((c, i) => {
    html += `<th>${escapeHtml(c)}</th>`;
    if (i === 0) html += '<th>distribution</th>';
  });
  html += '</tr></thead><tbody>';
  for (const row of doc.rows) {
    const bad = isFlagged(row);
    if (onlyFlagged && !bad) continue;
    const cls = bad ? ' class="djl-LayerFlagged"' : '';
    const flag = bad ? ` data-flag="${escapeHtml(row.flag ?? 'nan')}"` : '';
    html += `<tr${cls}${flag}>`;
    row.cells.forEach((cell, i) => {
      const indent = i === 0 ? ` style="padding-left:${row.depth * 12 + 4}px"` : '';
      const num = i > 0 && isNumberCell(String(cell)) ? ' class="djl-Num"' : '';
      html += `<td${indent}${num}>${escapeHtml(String(cell))}</td>`;
      if (i === 0) {
        const d = sparklinePath(row.histogram, SPARK_WIDTH, SPARK_HEIGHT);
        html += `<td class="djl-Spark" title="${escapeHtml(sparkTitle(row))}">`;
        html += d
          ? `<svg width="${SPARK_WIDTH}" height="${SPARK_HEIGHT}" viewBox="0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}"><path d="${d}"/></svg>`
          : '–';
        html += '</td>';
      }
    });
    html += '</tr>';
  }
  html += '</tbody></table>';
  if (doc.truncated) html += '<div class="djl-LayersNote">… more rows in the kernel (the first 1000 shown)</div>';
  for (const n of doc.notes ?? []) html += `<div class="djl-LayersNote">note: ${escapeHtml(n)}</div>`;
  return html;
}
