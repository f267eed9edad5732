/**
 * The MIME extensions: application/vnd.djl.ndarray+json (tensor viewer), application/vnd.plotly.v1+json (plotly
 * charts) and application/vnd.djl-kernel.layers+json (layer panel), each ranked ahead of the text/html,
 * image/svg+xml and image/png fallbacks sent beside them.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { LayerPanel } from './layerPanel';
import { LAYERS_MIME } from './model/layers';
import { NDARRAY_MIME } from './model/tensor';
import { PLOTLY_MIME, PLOTLY_RANK } from './model/plotly';
import { PlotlyChart } from './plotlyChart';
import { TensorViewer } from './tensorViewer';

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [NDARRAY_MIME],
  defaultRank: 10,
  createRenderer: () => new TensorViewer()
};

export const plotlyRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME],
  defaultRank: PLOTLY_RANK,
  createRenderer: options => new PlotlyChart(options)
};

export const layersRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [LAYERS_MIME],
  defaultRank: 10,
  createRenderer: options => new LayerPanel(options)
};

const extensions: IRenderMime.IExtension[] = [
  {
    id: 'djl-kernel-jupyterlab:tensor-viewer',
    description: 'Tensor viewer for DJL NDArrays',
    rendererFactory,
    rank: 10,
    dataType: 'json'
  },
  {
    id: 'djl-kernel-jupyterlab:plotly',
    description: 'Plotly charts (tablesaw, d2l-java) drawn with bundled plotly.js, offline',
    rendererFactory: plotlyRendererFactory,
    rank: PLOTLY_RANK,
    dataType: 'json'
  },
  {
    id: 'djl-kernel-jupyterlab:layer-panel',
    description: 'Layer tables of trace / firstNonFinite / gradients: a sparkline per layer, NaN rows highlighted',
    rendererFactory: layersRendererFactory,
    rank: 10,
    dataType: 'json'
  }
];

export default extensions;
