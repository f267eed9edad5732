/** The layer panel: a MIME renderer for application/vnd.djl-kernel.layers+json (trace, firstNonFinite, gradients). */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { isFlagged, layersHtml, LayersDoc, parseLayers } from './model/layers';

export class LayerPanel extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.addClass('djl-LayerPanel');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.doc = parseLayers(model.data[this.mimeType]);
    this.render();
  }

  private render(): void {
    const doc = this.doc;
    if (!doc) {
      this.node.textContent = 'Not a layer table';
      return;
    }
    const flagged = doc.rows.some(isFlagged);
    // layersHtml escapes every string from the kernel: the panel is safe to show untrusted outputs
    this.node.innerHTML = (flagged ? '<div class="djl-LayersTools"><button type="button">' +
      (this.onlyFlagged ? 'show all rows' : 'show flagged rows only') + '</button></div>' : '') +
      layersHtml(doc, this.onlyFlagged);
    const button = this.node.querySelector('.djl-LayersTools button');
    if (button) {
      button.addEventListener('click', () => {
        this.onlyFlagged = !this.onlyFlagged;
        this.render();
      });
    }
  }

  private readonly mimeType: string;
  private doc: LayersDoc | null = null;
  private onlyFlagged = false;
}
