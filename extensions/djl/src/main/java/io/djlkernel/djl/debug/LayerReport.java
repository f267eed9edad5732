package io.djlkernel.djl.debug;

import io.djlkernel.api.display.MimeBundle;

/** A model-debugging result: shown as a {@link LayerTable} (text, HTML, and the layer panel's JSON). */
public interface LayerReport {
    LayerTable table();

    default void render(MimeBundle out) {
        table().render(out);
    }
}
