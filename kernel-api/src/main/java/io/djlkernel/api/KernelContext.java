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

    /** Runs Java in the session, as a cell would, and returns the value of its last expression (or null). */
    Object eval(String javaCode) throws Exception;
}
