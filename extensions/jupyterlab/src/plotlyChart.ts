/**
 * Plotly figures (application/vnd.plotly.v1+json) drawn with plotly.js bundled in this extension: no CDN, no
 * RequireJS, so tablesaw and d2l-java charts show in JupyterLab offline. plotly.js (~4.8 MB) is a separate
 * chunk, fetched from the extension's own static files the first time a figure is shown.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { fitLayout, FigureDoc, needsRelayout, parseFigure, ThemeColors, themedLayout } from './model/plotly';

type PlotlyModule = (typeof import('plotly.js-dist-min'))['default'];

let plotly: Promise<PlotlyModule> | null = null;
function loadPlotly(): Promise<PlotlyModule> {
  if (!plotly) {
    // a UMD bundle: webpack hands it over as the default export, or as the namespace itself
    plotly = import('plotly.js-dist-min').then(m => ((m as { default?: unknown }).default ?? m) as PlotlyModule);
  }
  return plotly;
}

/** JupyterLab's theme as its body attributes and CSS variables say (read at each draw). */
function currentTheme(): ThemeColors {
  const style = getComputedStyle(document.body);
  return {
    dark: document.body.dataset.jpThemeLight === 'false',
    font: style.getPropertyValue('--jp-ui-font-color1').trim() || '#e0e0e0',
    grid: style.getPropertyValue('--jp-border-color2').trim() || '#444444'
  };
}

export class PlotlyChart extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.addClass('djl-PlotlyChart');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const figure = parseFigure(model.data[this.mimeType]);
    if (typeof figure === 'string') {
      this.node.textContent = figure;
      return;
    }
    this.figure = figure;
    try {
      const Plotly = await loadPlotly();
      if (this.isDisposed) return;
      await this.draw(Plotly);
      this.watchSize(Plotly);
    } catch (e) {
      this.node.textContent = `Could not draw the plotly figure: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private async draw(Plotly: PlotlyModule): Promise<void> {
    if (!this.figure || this.isDisposed) return;
    const layout = themedLayout(fitLayout(this.figure.layout, this.node.clientWidth), currentTheme());
    this.drawnWidth = layout.width as number;
    const config = { responsive: false, displaylogo: false, ...this.figure.config };
    // the JSON comes from the kernel: plotly validates it, our types only describe its shape
    await Plotly.react(this.node, this.figure.data as never, layout as never, config as never);
  }

  /** Output areas resize without Lumino resize messages reaching renderers: watch the node itself. */
  private watchSize(Plotly: PlotlyModule): void {
    if (this.observer || typeof ResizeObserver === 'undefined') return;
    this.observer = new ResizeObserver(() => {
      if (!this.figure || !needsRelayout(this.figure.layout, this.drawnWidth, this.node.clientWidth)) return;
      if (this.pending) cancelAnimationFrame(this.pending);
      this.pending = requestAnimationFrame(() => {
        this.pending = 0;
        void this.draw(Plotly);
      });
    });
    this.observer.observe(this.node);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.observer?.disconnect();
    if (this.pending) cancelAnimationFrame(this.pending);
    if (plotly) void plotly.then(P => P.purge(this.node)).catch(() => undefined);
    super.dispose();
  }

  readonly mimeType: string;
  private figure: FigureDoc | null = null;
  private observer: ResizeObserver | null = null;
  private drawnWidth = 0;
  private pending = 0;
}
