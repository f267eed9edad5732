/** The tensor viewer: a MIME renderer for application/vnd.djl.ndarray+json. */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import {
  formatCell,
  grayPixels,
  headerText,
  heatColor,
  isImageShaped,
  leadingAxes,
  parseTensor,
  sampleRange,
  sampleRows,
  sliceAvailable,
  sliceExpression,
  statsText,
  TensorDoc
} from './model/tensor';

type View = 'table' | 'heatmap' | 'image';

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
    this.picked = leadingAxes(doc).map(a => a.sampled);
    if (isImageShaped(doc) && this.view === 'table' && !this.userChose) this.view = 'image';
    this.render();
  }

  mimeType = 'application/vnd.djl.ndarray+json';

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
    const views: View[] = ['table', 'heatmap'];
    if (isImageShaped(d) || (d.sample && d.sample.shape.length >= 2)) views.push('image');
    for (const v of views) {
      const b = el('button', 'jp-mod-styled djl-view-' + v, v) as HTMLButtonElement;
      if (v === this.view) b.classList.add('djl-active');
      b.onclick = () => {
        this.view = v;
        this.userChose = true;
        this.render();
      };
      tools.appendChild(b);
    }
    const axes = leadingAxes(d);
    if (axes.length > 0) {
      const picker = el('span', 'djl-AxisPicker', 'slice [');
      axes.forEach((a, i) => {
        const s = document.createElement('select');
        s.className = 'djl-Axis';
        s.title = `index along axis ${a.axis}`;
        for (let k = 0; k < Math.min(a.size, 1000); k++) {
          const o = document.createElement('option');
          o.value = String(k);
          o.textContent = String(k);
          s.appendChild(o);
        }
        s.value = String(this.picked[i]);
        s.onchange = () => {
          this.picked[i] = Number(s.value);
          this.render();
        };
        picker.appendChild(s);
        picker.appendChild(document.createTextNode(', '));
      });
      picker.appendChild(document.createTextNode(': , : ]'));
      tools.appendChild(picker);
    }
    this.node.appendChild(tools);

    const body = el('div', 'djl-TensorBody');
    this.node.appendChild(body);
    if (!d.sample) {
      body.appendChild(el('div', 'djl-Empty', d.shape.includes(0) ? 'empty array' : 'no sample'));
      return;
    }
    if (!sliceAvailable(d, this.picked)) {
      body.appendChild(
        el('div', 'djl-Empty', `The kernel sent the slice [${axes.map(a => a.sampled).join(', ')}, :, :]. Display x.${sliceExpression(this.picked)} to see this one.`)
      );
      return;
    }
    if (this.view === 'image') body.appendChild(this.image(d));
    else body.appendChild(this.table(d, this.view === 'heatmap'));
    if (d.sample.truncated) body.appendChild(el('div', 'djl-Note', `showing the leading ${d.sample.shape.join('×')} of ${d.numel ?? '?'} elements`));
  }

  private table(d: TensorDoc, heat: boolean): HTMLElement {
    const rows = sampleRows(d);
    const range = heat ? sampleRange(rows) : null;
    const wrap = el('div', 'djl-TableWrap');
    const t = document.createElement('table');
    t.className = 'djl-TensorTable' + (heat ? ' djl-Heat' : '');
    const thead = document.createElement('thead');
    const hr = document.createElement('tr');
    hr.appendChild(el('th', '', ''));
    (rows[0] ?? []).forEach((_, c) => hr.appendChild(el('th', '', String(c))));
    thead.appendChild(hr);
    t.appendChild(thead);
    const tb = document.createElement('tbody');
    rows.forEach((r, i) => {
      const tr = document.createElement('tr');
      tr.appendChild(el('th', '', String(i)));
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

  private image(d: TensorDoc): HTMLElement {
    const box = el('div', 'djl-ImageView');
    if (this.png) {
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
  private view: View = 'table';
  private userChose = false;
  private picked: number[] = [];
}

function el(tag: string, cls: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
