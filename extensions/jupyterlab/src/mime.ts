/** The MIME extension: renders application/vnd.djl.ndarray+json ahead of the text/html and image/png fallbacks. */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { NDARRAY_MIME } from './model/tensor';
import { TensorViewer } from './tensorViewer';

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [NDARRAY_MIME],
  defaultRank: 10,
  createRenderer: () => new TensorViewer()
};

const extension: IRenderMime.IExtension = {
  id: 'djl-kernel-jupyterlab:tensor-viewer',
  description: 'Tensor viewer for DJL NDArrays',
  rendererFactory,
  rank: 10,
  dataType: 'json'
};

export default extension;
