package org.dflib.jjava.kernel;

import io.djlkernel.ijava.KernelInstance;

/** JJava's notebook functions for the kernel object (cells also have {@code kernel()} without this class name). */
public class JavaNotebookStatics {
    private JavaNotebookStatics() {
    }

    public static JavaKernel kernel() {
        return KernelInstance.get();
    }

    /** JJava's older name for {@link #kernel()}. */
    public static JavaKernel getKernelInstance() {
        return kernel();
    }
}
