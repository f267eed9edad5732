package io.github.spencerpark.jupyter.kernel.magic.registry;

/** A magic was asked for by a name nothing registered. */
public class UndefinedMagicException extends RuntimeException {
    public UndefinedMagicException(String message) {
        super(message);
    }
}
