package io.djlkernel.api.display;

import java.awt.image.RenderedImage;

/** Encodes images for display. */
final class Images {
    private Images() {
    }

    static MimeBundle toBundle(RenderedImage image) {
        throw new UnsupportedOperationException("TODO: display helper");
    }

    static MimeBundle toBundle(byte[] encoded) {
        throw new UnsupportedOperationException("TODO: display helper");
    }
}
