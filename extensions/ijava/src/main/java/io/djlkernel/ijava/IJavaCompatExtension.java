package io.djlkernel.ijava;

import io.djlkernel.api.Extension;
import io.djlkernel.api.KernelContext;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

/**
 * Notebooks written for IJava or JJava run here unchanged: binds their runtime API
 * ({@code io.github.spencerpark.ijava.IJava.getKernelInstance()}, {@code org.dflib.jjava}'s {@code kernel()}) to
 * this kernel's renderer registry, magics and interpreter, and gives every cell the functions those kernels
 * import into cells.
 */
public final class IJavaCompatExtension implements Extension {
    static final String IMPORT_FUNCTIONS = "import static " + NotebookFunctions.class.getName() + ".*;";

    @Override
    public String name() {
        return "ijava-compat";
    }

    @Override
    public void register(KernelContext kernel) throws Exception {
        Renderer renderer = new Renderer(kernel.renderers());
        Magics magics = new Magics(kernel.magics(), new MagicCalls(kernel));
        KernelInstance.bind(new org.dflib.jjava.kernel.JavaKernel(kernel, renderer, magics));
        kernel.addImports(java.util.List.of(IMPORT_FUNCTIONS));
    }
}
