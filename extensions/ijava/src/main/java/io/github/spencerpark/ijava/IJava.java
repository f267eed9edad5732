package io.github.spencerpark.ijava;

import io.djlkernel.ijava.KernelInstance;

/** IJava's entry point as notebooks use it: {@code IJava.getKernelInstance()} is this kernel, seen through IJava's API. */
public class IJava {
    private IJava() {
    }

    public static JavaKernel getKernelInstance() {
        return KernelInstance.get();
    }
}
