package io.djlkernel.djl.models;

/** A model could not be loaded (missing, not TorchScript, truncated, no such device, out of memory): the message says why and what to do. */
public class ModelLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
