package io.djlkernel.api.magic;

/** A magic's clear, user-facing failure (bad arguments, missing file): shown without a stack trace. */
public class MagicException extends Exception {
    public MagicException(String message) {
        super(message);
    }

    public MagicException(String message, Throwable cause) {
        super(message, cause);
    }
}
