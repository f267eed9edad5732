package io.github.spencerpark.ijava;

import io.djlkernel.api.KernelContext;
import io.djlkernel.api.display.Display;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * This kernel seen through IJava's {@code JavaKernel} API: its renderer and magics registries, evaluation in the
 * notebook's session, display, class path. Everything is backed by the kernel itself, so what a notebook registers
 * here behaves like the kernel's own renderers and magics.
 */
public class JavaKernel {
    private final KernelContext kernel;
    private final Renderer renderer;
    private final Magics magics;

    protected JavaKernel(KernelContext kernel, Renderer renderer, Magics magics) {
        this.kernel = kernel;
        this.renderer = renderer;
        this.magics = magics;
    }

    public Renderer getRenderer() {
        return renderer;
    }

    public Magics getMagics() {
        return magics;
    }

    /** Runs Java (or magics) in the notebook's session, as a cell would; returns its last expression's value. */
    public Object evalRaw(String expr) throws Exception {
        return kernel.eval(expr);
    }

    /** {@link #evalRaw} with the value rendered, as IJava's {@code eval} does; null when there is no value. */
    public DisplayData eval(String expr) throws Exception {
        Object value = evalRaw(expr);
        return value == null ? null : renderer.render(value);
    }

    /** Shows {@code data} in the running cell's output; it keeps its display id when it has one. */
    public void display(DisplayData data) {
        if (data.hasDisplayId()) {
            Display.displayWithId(data.getDisplayId(), data);
        } else {
            String id = UUID.randomUUID().toString();
            data.setDisplayId(id);
            Display.displayWithId(id, data);
        }
    }

    /** Adds jars or class folders, several separated by the platform's path separator, to the session's class path. */
    public void addToClasspath(String path) {
        List<Path> paths = new ArrayList<>();
        for (String part : path.split(File.pathSeparator)) {
            if (!part.isBlank()) paths.add(Path.of(part.strip()));
        }
        kernel.addToClasspath(paths);
    }

    public String getBanner() {
        return "djl-kernel (Java " + Runtime.version().feature() + ", IJava-compatible API)";
    }
}
