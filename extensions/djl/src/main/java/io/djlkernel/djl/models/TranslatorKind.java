package io.djlkernel.djl.models;

import java.util.Locale;

/** How a loaded model's default predictor turns inputs into outputs ({@code --translator}). */
public enum TranslatorKind {
    /** Tensors in, tensors out ({@code NDList -> NDList}); the default. */
    NDLIST("ndlist"),
    /** An image in, {@code Classifications} out (resize, to tensor, normalise, softmax, synset). */
    IMAGE_CLASSIFICATION("image-classification");

    private final String option;

    TranslatorKind(String option) {
        this.option = option;
    }

    /** The name {@code --translator} takes. */
    public String option() {
        return option;
    }

    public static TranslatorKind parse(String s) {
        for (TranslatorKind k : values()) {
            if (k.option.equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s)) return k;
        }
        throw new IllegalArgumentException("unknown translator '" + s + "' (use ndlist or image-classification)");
    }

    @Override
    public String toString() {
        return option.toLowerCase(Locale.ROOT);
    }
}
