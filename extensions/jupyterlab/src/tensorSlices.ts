/** Asks the kernel for another slice of a displayed array over the djl.tensor comm (one comm per request). */
import type { Kernel } from '@jupyterlab/services';
import { parseSliceReply, SliceReply } from './model/tensor';

export const TENSOR_TARGET = 'djl.tensor';

/** Finds the kernel of the notebook an output node sits in (set by the plugin, which has the notebook tracker). */
export type KernelLocator = (node: HTMLElement) => Kernel.IKernelConnection | null;

let locator: KernelLocator | null = null;

export function setKernelLocator(l: KernelLocator | null): void {
  locator = l;
}

export function kernelFor(node: HTMLElement): Kernel.IKernelConnection | null {
  return locator ? locator(node) : null;
}

/** The part of a kernel connection this needs (a fake in the unit tests). */
export type CommOpener = Pick<Kernel.IKernelConnection, 'createComm'>;

/**
 * Opens a djl.tensor comm with the request as its data and resolves with the first answer. A kernel without the
 * target closes the comm: that counts as gone (nothing more can come from it). Never rejects.
 */
export function requestSlice(kernel: CommOpener, request: Record<string, unknown>, timeoutMs = 30_000): Promise<SliceReply> {
  return new Promise(resolve => {
    let comm: Kernel.IComm;
    try {
      comm = kernel.createComm(TENSOR_TARGET);
    } catch (e) {
      resolve({ error: `cannot reach the kernel: ${e}`, gone: false });
      return;
    }
    let done = false;
    const finish = (r: SliceReply) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        if (!comm.isDisposed) comm.close();
      } catch {
        /* the kernel went away */
      }
      resolve(r);
    };
    // comm messages queue behind a running cell on the kernel's shell thread: wait, but not forever
    const timer = setTimeout(
      () => finish({ error: 'no answer from the kernel yet (a cell may still be running): pick the slice again later', gone: false }),
      timeoutMs
    );
    comm.onMsg = msg => finish(parseSliceReply(msg.content.data));
    comm.onClose = () => finish({ error: 'this kernel does not serve other slices (no djl.tensor comm)', gone: true });
    try {
      const f = comm.open(request as any);
      void f?.done?.catch?.(() => finish({ error: 'the kernel did not take the request', gone: false }));
    } catch (e) {
      finish({ error: `cannot reach the kernel: ${e}`, gone: false });
    }
  });
}
