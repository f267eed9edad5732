package org.dflib.jjava.kernel;

import io.djlkernel.api.KernelContext;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

/** JJava's name for the kernel: the same object as IJava's {@code getKernelInstance()}, with the same methods. */
public class JavaKernel extends io.github.spencerpark.ijava.JavaKernel {
    public JavaKernel(KernelContext kernel, Renderer renderer, Magics magics) {
        super(kernel, renderer, magics);
    }
}
