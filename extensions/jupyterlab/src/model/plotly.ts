/** Plotly figure documents (application/vnd.plotly.v1+json) as the kernel's plots extension writes them. */

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
/**
 * The renderer's rank (lower wins): ahead of JupyterLab's text/html (50), image/svg+xml (80) and image/png (90), so
 * the chart replaces the SVG fallback and an IJava-style renderer's CDN-bound HTML sent beside it.
 */
export const PLOTLY_RANK = 5;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface FigureDoc {
  data: JsonObject[];
  layout: JsonObject;
  config: JsonObject;
}

const DEFAULT_HEIGHT = 450;
const MIN_WIDTH = 200;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The figure in a MIME bundle, or an error message. Titles given as strings (plotly.js 1 style, still written by
 * other producers) become `{text}` objects, which plotly.js 3+ requires.
 */
export function parseFigure(value: unknown): FigureDoc | string {
  if (!isObject(value)) return 'Not a plotly figure: expected an object with "data" and "layout"';
  const data = value.data ?? [];
  if (!Array.isArray(data) || !data.every(isObject)) return 'Not a plotly figure: "data" must be a list of traces';
  const layout = value.layout ?? {};
  if (!isObject(layout)) return 'Not a plotly figure: "layout" must be an object';
  const config = isObject(value.config) ? value.config : {};
  return { data: data as JsonObject[], layout: modernTitles(layout), config };
}

function modernTitles(layout: JsonObject): JsonObject {
  const out: JsonObject = { ...layout };
  if (typeof out.title === 'string') out.title = { text: out.title };
  for (const key of Object.keys(out)) {
    const axis = out[key];
    if (/^[xy]axis\d*$/.test(key) && isObject(axis) && typeof axis.title === 'string') {
      out[key] = { ...axis, title: { text: axis.title } };
    }
  }
  return out;
}

/**
 * The layout to draw with in an output area `containerWidth` pixels wide: as wide as the area, but no wider than
 * the figure asked for (tablesaw asks for 700-800 px), the figure's height (450 px if none), autosize off so plotly
 * keeps exactly this size until the next resize.
 */
export function fitLayout(layout: JsonObject, containerWidth: number): JsonObject {
  const asked = typeof layout.width === 'number' && layout.width > 0 ? layout.width : Infinity;
  const available = containerWidth > 0 ? containerWidth : 700;
  const width = Math.max(MIN_WIDTH, Math.min(asked, available));
  const height = typeof layout.height === 'number' && layout.height > 0 ? layout.height : DEFAULT_HEIGHT;
  return { ...layout, width: Math.floor(width), height, autosize: false };
}

/** Whether a new container width needs a relayout (ignores sub-pixel jitter and changes past the figure's width). */
export function needsRelayout(layout: JsonObject, drawnWidth: number, containerWidth: number): boolean {
  const next = fitLayout(layout, containerWidth).width as number;
  return Math.abs(next - drawnWidth) >= 2;
}

/** Colours of JupyterLab's theme that a figure follows where it does not set its own. */
export interface ThemeColors {
  dark: boolean;
  font: string;
  grid: string;
}

/**
 * The layout in a dark theme: transparent backgrounds, the theme's text colour, grid lines in its border colour,
 * each only where the figure says nothing itself (tablesaw sets none). Light themes keep plotly's defaults.
 */
export function themedLayout(layout: JsonObject, theme: ThemeColors): JsonObject {
  if (!theme.dark) return layout;
  const out: JsonObject = { ...layout };
  out.paper_bgcolor ??= 'rgba(0,0,0,0)';
  out.plot_bgcolor ??= 'rgba(0,0,0,0)';
  const font = isObject(out.font) ? { ...out.font } : {};
  font.color ??= theme.font;
  out.font = font;
  for (const key of ['xaxis', 'yaxis']) {
    const axis = isObject(out[key]) ? { ...(out[key] as JsonObject) } : {};
    axis.gridcolor ??= theme.grid;
    axis.zerolinecolor ??= theme.grid;
    out[key] = axis;
  }
  return out;
}
