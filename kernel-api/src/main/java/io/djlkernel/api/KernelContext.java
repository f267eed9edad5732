package io.djlkernel.api;

import io.djlkernel.api.comm.CommRegistry;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.api.magic.MagicRegistry;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** What an {@link Extension} can reach of the kernel. */
public interface KernelContext {
    MagicRegistry magics();

    RendererRegistry renderers();

    CommRegistry comms();

    void addListener(KernelListener listener);

    /** Makes jars or class folders visible to cells (and scans them for extensions). */
    void addToClasspath(List<Path> paths);

    /**
     * Adds a field to the kernel's {@code usage_reply} (e.g. "gpus"): {@code reading} is called on each
     * usage_request, from a kernel thread, also while a cell runs; it must be quick and must not throw.
     */
    void addUsageField(String field, Supplier<Object> reading);

    /**
     * Imports every cell has from now on, e.g. {@code "import ai.djl.ndarray.*;"} (single import declarations).
     * The kernel makes each one when a cell first names something it brings, so an extension may add many at no
     * cost to start-up or to cells that do not use them.
     */
    default void addImports(List<String> importLines) throws Exception {
        for (String line : importLines) eval(line);
    }

    /**
     * Milliseconds since the kernel last finished running code (a cell or a magic), 0 while code runs. Background
     * work that competes with cells for the CPU (a warm-up, a preload) can wait for a quiet moment with it.
     */
    long idleMillis();

    /** Runs Java in the session, as a cell would, and returns the value of its last expression (or null). */
    Object eval(String javaCode) throws Exception;
}
