package io.djlkernel.kernel.transport;

/** The kernel's sockets that carry signed Jupyter messages (the heartbeat carries raw bytes and is not one). */
public enum Channel {
    SHELL,
    CONTROL,
    STDIN,
    IOPUB
}
