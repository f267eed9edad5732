package io.djlkernel.api;

/**
 * A kernel plug-in, found with {@link java.util.ServiceLoader} on the kernel's class path and in jars a cell
 * adds ({@code %maven}, {@code %jars}): list the class in {@code META-INF/services/io.djlkernel.api.Extension}.
 * An extension that throws is reported in the next cell's output; the kernel still starts.
 */
public interface Extension {
    /** A short name shown in messages, e.g. "djl-tensors". */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Registers magics, renderers, comm targets and listeners. Called once per kernel, before the first cell. */
    void register(KernelContext kernel) throws Exception;
}
