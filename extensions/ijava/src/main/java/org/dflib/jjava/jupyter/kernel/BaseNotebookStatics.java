package org.dflib.jjava.jupyter.kernel;

import io.djlkernel.ijava.NotebookFunctions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.List;

/** JJava's notebook functions, for notebooks that name the class; they are the same as IJava's. */
public class BaseNotebookStatics {
    private BaseNotebookStatics() {
    }

    public static void printf(String format, Object... args) {
        NotebookFunctions.printf(format, args);
    }

    public static Object eval(String source) throws Exception {
        return NotebookFunctions.eval(source);
    }

    public static <T> T lineMagic(String name, List<String> args) {
        return NotebookFunctions.lineMagic(name, args);
    }

    public static <T> T cellMagic(String name, List<String> args, String body) {
        return NotebookFunctions.cellMagic(name, args, body);
    }

    public static DisplayData render(Object o) {
        return NotebookFunctions.render(o);
    }

    public static DisplayData render(Object o, String... as) {
        return NotebookFunctions.render(o, as);
    }

    public static String display(Object o) {
        return io.github.spencerpark.ijava.runtime.Display.display(o);
    }

    public static String display(Object o, String... as) {
        return io.github.spencerpark.ijava.runtime.Display.display(o, as);
    }

    public static void updateDisplay(String id, Object o) {
        io.github.spencerpark.ijava.runtime.Display.updateDisplay(id, o);
    }

    public static void updateDisplay(String id, Object o, String... as) {
        io.github.spencerpark.ijava.runtime.Display.updateDisplay(id, o, as);
    }
}
