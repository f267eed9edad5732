package io.djlkernel.api;

/** Kernel life-cycle hooks; every method has an empty default. Called on the kernel's threads: return quickly. */
public interface KernelListener {
    /**
     * The session has started and is ready for its first cell (called once, on the thread that started it, before
     * or just as the first cell runs): a place to start background work, on a thread of the extension's own.
     */
    default void kernelStarted() {
    }

    /**
     * A cell is about to run (after magics are parsed, before any of its code); also each cell of code a magic runs
     * as cells, such as a notebook {@code %load} reads.
     */
    default void beforeCell(String code) {
    }

    /** A cell ended; {@code failure} is null when it ran to its end. */
    default void afterCell(String code, Throwable failure) {
    }

    /** The user asked to interrupt the running cell. */
    default void interruptRequested() {
    }

    /** The kernel is shutting down (or restarting): release devices, stop servers. */
    default void shuttingDown(boolean restarting) {
    }
}
