package io.djlkernel.kernel.deps;

import io.djlkernel.api.magic.MagicException;

/** A dependency could not be resolved; the message is meant for the notebook (what, where asked, why). */
public class ResolutionException extends MagicException {
    public ResolutionException(String message) {
        super(message);
    }

    public ResolutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
