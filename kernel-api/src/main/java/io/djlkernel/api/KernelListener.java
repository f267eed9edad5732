package io.djlkernel.api;

/** Kernel life-cycle hooks; every method has an empty default. Called on the kernel's threads: return quickly. */
public interface KernelListener {
    /** The kernel is ready for its first cell. */
    default void kernelStarted() {
    }

    /** A cell is about to run (after magics are parsed, before any of its code). */
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
