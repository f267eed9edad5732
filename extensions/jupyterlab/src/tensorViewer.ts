/** The tensor viewer: a MIME renderer for application/vnd.djl.ndarray+json. */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import {
  canPage,
  defaultView,
  fixedAxes,
  formatCell,
  grayPixels,
  hasPicker,
  headerText,
  heatColor,
  isImageShaped,
  parseTensor,
  Sample,
  SliceCache,
  sliceExpression,
  sliceRequest,
  sliceText,
  SliceView,
  sampleRange,
  sampleRows,
  statsText,
  TensorDoc,
  viewKey,
  WINDOW,
  windowOf,
  withAxis,
  withIndex,
  withSample,
  withWindow
} from './model/tensor';
import { kernelFor, requestSlice } from './tensorSlices';

type Mode = 'table' | 'heatmap' | 'image';

export class TensorViewer extends Widget implements IRenderMime.IRenderer {
  constructor() {
    super();
    this.addClass('djl-TensorViewer');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const doc = parseTensor(model.data[this.mimeType]);
    this.png = typeof model.data['image/png'] === 'string' ? (model.data['image/png'] as string) : null;
    if (!doc) {
      this.node.textContent = 'Not a DJL tensor document';
      return;
    }
    this.doc = doc;
    this.view = defaultView(doc);
    this.cache.clear();
    if (doc.sample) this.cache.put(this.view, doc.sample);
    this.shown = doc.sample ? { view: this.view, sample: doc.sample } : null;
    this.gone = null;
    this.note = null;
    if (isImageShaped(doc) && this.mode === 'table' && !this.userChose) this.mode = 'image';
    this.render();
  }

  mimeType = 'application/vnd.djl.ndarray+json';

  /** Shows another slice: from the cache, else asks the kernel and keeps showing what it has meanwhile. */
  private pick(v: SliceView): void {
    const d = this.doc;
    if (!d) return;
    this.view = v;
    this.note = null;
    const cached = this.cache.get(v);
    if (cached) {
      this.shown = { view: v, sample: cached };
      this.render();
      return;
    }
    const req = sliceRequest(d, v);
    const kernel = kernelFor(this.node);
    if (this.gone || !req || !kernel) {
      if (!this.gone && !req) this.gone = 'this output has no array id (an older kernel sent it)';
      else if (!this.gone) this.note = 'not connected to the notebook\'s kernel';
      this.render();
      return;
    }
    const key = viewKey(v);
    this.render();
    void requestSlice(kernel, req).then(reply => {
      if (this.doc !== d) return; // the output was replaced meanwhile
      if ('sample' in reply) {
        this.cache.put(v, reply.sample);
        if (viewKey(this.view) === key) this.shown = { view: v, sample: reply.sample };
      } else if (reply.gone) {
        this.gone = reply.error;
      } else if (viewKey(this.view) === key) {
        this.note = reply.error;
      }
      this.render();
    });
  }

  private render(): void {
    const d = this.doc;
    if (!d) return;
    this.node.innerHTML = '';
    const head = el('div', 'djl-TensorHeader');
    head.appendChild(el('span', 'djl-TensorShape', headerText(d)));
    const stats = statsText(d);
    if (stats) head.appendChild(el('span', 'djl-TensorStats', stats));
    this.node.appendChild(head);

    const tools = el('div', 'djl-TensorTools');
    const modes: Mode[] = ['table', 'heatmap'];
    if (isImageShaped(d) || (d.sample && d.sample.shape.length >= 2)) modes.push('image');
    for (const m of modes) {
      const b = el('button', 'jp-mod-styled djl-view-' + m, m) as HTMLButtonElement;
      if (m === this.mode) b.classList.add('djl-active');
      b.onclick = () => {
        this.mode = m;
        this.userChose = true;
        this.render();
      };
      tools.appendChild(b);
    }
    if (hasPicker(d)) tools.appendChild(this.picker(d));
    for (const role of ['rows', 'cols'] as const) if (canPage(d, this.view, role)) tools.appendChild(this.pager(d, role));
    this.node.appendChild(tools);

    const body = el('div', 'djl-TensorBody');
    this.node.appendChild(body);
    if (!d.sample) {
      body.appendChild(el('div', 'djl-Empty', d.shape.includes(0) ? 'empty array' : 'no sample'));
      return;
    }
    const shown = this.shown ?? { view: this.view, sample: d.sample };
    const sd = withSample(d, shown.sample);
    const same = viewKey(shown.view) === viewKey(this.view);
    body.dataset.slice = viewKey(shown.view);
    if (hasPicker(d)) body.appendChild(el('div', 'djl-SliceLabel', `slice ${sliceText(shown.view)}`));
    if (!same) {
      const msg = this.gone
        ? `${this.gone}. Still showing ${sliceText(shown.view)}; display x.${sliceExpression(this.view)} for ${sliceText(this.view)}.`
        : this.note
          ? `${this.note}. Still showing ${sliceText(shown.view)}.`
          : `loading ${sliceText(this.view)}…`;
      body.appendChild(el('div', this.gone ? 'djl-Note djl-Gone' : 'djl-Note djl-Pending', msg));
    }
    if (this.mode === 'image') body.appendChild(this.image(sd, shown.sample === d.sample));
    else body.appendChild(this.table(sd, this.mode === 'heatmap', shown.view));
    if (shown.sample.truncated) body.appendChild(el('div', 'djl-Note', `showing ${shown.sample.shape.join('×')} of ${d.numel ?? '?'} elements`));
  }

  /** "slice [i0 ▾, :, :]  rows axis ▾  cols axis ▾": an index for each fixed axis, and which axes are rows/cols. */
  private picker(d: TensorDoc): HTMLElement {
    const v = this.view;
    const picker = el('span', 'djl-AxisPicker', 'slice [');
    d.shape.forEach((size, axis) => {
      if (axis > 0) picker.appendChild(document.createTextNode(', '));
      if (axis === v.rowsAxis || axis === v.colsAxis) {
        picker.appendChild(el('span', axis === v.rowsAxis ? 'djl-AxisRows' : 'djl-AxisCols', ':'));
        return;
      }
      const s = document.createElement('select');
      s.className = 'djl-Axis';
      s.dataset.axis = String(axis);
      s.title = `index along axis ${axis}`;
      for (let k = 0; k < Math.min(size, 1000); k++) s.appendChild(option(String(k), String(k)));
      s.value = String(v.index[axis] ?? 0);
      s.onchange = () => this.pick(withIndex(d, this.view, axis, Number(s.value)));
      picker.appendChild(s);
    });
    picker.appendChild(document.createTextNode(']'));
    for (const role of ['rows', 'cols'] as const) {
      picker.appendChild(document.createTextNode(role === 'rows' ? '  rows ' : ' cols '));
      const s = document.createElement('select');
      s.className = role === 'rows' ? 'djl-RowsAxis' : 'djl-ColsAxis';
      s.title = role === 'rows' ? 'the axis down the rows' : 'the axis across the columns';
      d.shape.forEach((size, axis) => s.appendChild(option(String(axis), `axis ${axis} (${size})`)));
      s.value = String(role === 'rows' ? v.rowsAxis : v.colsAxis);
      s.onchange = () => this.pick(withAxis(this.view, role, Number(s.value)));
      picker.appendChild(s);
    }
    if (fixedAxes(d, v).some(a => a.size > 1000)) picker.title = 'indices past 999 are not listed';
    return picker;
  }

  /** "rows 64–127 of 1000 ◀ ▶": moves the window of at most 64 rows (or columns) along its axis. */
  private pager(d: TensorDoc, role: 'rows' | 'cols'): HTMLElement {
    const w = windowOf(d, this.view, role);
    const box = el('span', 'djl-Pager djl-Pager-' + role, `${role} ${w.start}–${w.end - 1} of ${w.size} `);
    const step = (label: string, title: string, start: number, disabled: boolean) => {
      const b = el('button', 'jp-mod-styled djl-page-' + label, title === 'previous' ? '◀' : '▶') as HTMLButtonElement;
      b.title = `${title} ${WINDOW} ${role}`;
      b.disabled = disabled;
      b.onclick = () => this.pick(withWindow(d, this.view, role, start));
      box.appendChild(b);
    };
    step('prev', 'previous', w.start - WINDOW, w.start === 0);
    step('next', 'next', w.start + WINDOW, w.end >= w.size);
    return box;
  }

  /** The table of a 2-D sample; row and column headers are indices on their axes (where the window starts). */
  private table(d: TensorDoc, heat: boolean, view?: SliceView): HTMLElement {
    const rowStart = view && d.shape.length >= 2 ? view.index[view.rowsAxis] ?? 0 : 0;
    const colStart = view && d.shape.length >= 2 ? view.index[view.colsAxis] ?? 0 : 0;
    const rows = sampleRows(d);
    const range = heat ? sampleRange(rows) : null;
    const wrap = el('div', 'djl-TableWrap');
    const t = document.createElement('table');
    t.className = 'djl-TensorTable' + (heat ? ' djl-Heat' : '');
    const thead = document.createElement('thead');
    const hr = document.createElement('tr');
    hr.appendChild(el('th', '', ''));
    (rows[0] ?? []).forEach((_, c) => hr.appendChild(el('th', '', String(colStart + c))));
    thead.appendChild(hr);
    t.appendChild(thead);
    const tb = document.createElement('tbody');
    rows.forEach((r, i) => {
      const tr = document.createElement('tr');
      tr.appendChild(el('th', '', String(rowStart + i)));
      for (const v of r) {
        const td = el('td', '', formatCell(v, d.dtype));
        if (heat) {
          td.style.background = heatColor(v, range);
          td.style.color = '#fff';
        }
        tr.appendChild(td);
      }
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    wrap.appendChild(t);
    return wrap;
  }

  /** @param own whether d's sample is the one the kernel sent with the bundle (whose PNG shows that slice) */
  private image(d: TensorDoc, own: boolean): HTMLElement {
    const box = el('div', 'djl-ImageView');
    if (this.png && own) {
      const img = document.createElement('img');
      img.src = `data:image/png;base64,${this.png}`;
      img.alt = 'tensor as image';
      box.appendChild(img);
      return box;
    }
    const g = grayPixels(d);
    if (!g) {
      box.textContent = 'not an image';
      return box;
    }
    const c = document.createElement('canvas');
    c.width = g.width;
    c.height = g.height;
    const scale = Math.max(1, Math.floor(256 / Math.max(g.width, g.height)));
    c.style.width = `${g.width * scale}px`;
    c.style.height = `${g.height * scale}px`;
    c.style.imageRendering = 'pixelated';
    const ctx = c.getContext('2d');
    if (ctx) ctx.putImageData(new ImageData(g.pixels, g.width, g.height), 0, 0);
    box.appendChild(c);
    return box;
  }

  private doc: TensorDoc | null = null;
  private png: string | null = null;
  private mode: Mode = 'table';
  private userChose = false;
  /** The slice picked, and the one on screen (they differ while an answer is on its way, or after an error). */
  private view: SliceView = { index: [], rowsAxis: 0, colsAxis: 1 };
  private shown: { view: SliceView; sample: Sample } | null = null;
  private cache = new SliceCache();
  /** Why the kernel can give no more slices of this array (restarted, closed, evicted); null while it can. */
  private gone: string | null = null;
  /** A passing error for the picked slice (a timeout), cleared by the next pick. */
  private note: string | null = null;
}

function option(value: string, text: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

function el(tag: string, cls: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
