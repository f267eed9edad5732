package io.djlkernel.djl.serving;

/** One input or output in V2 terms: name, datatype ("FP32", ...) and shape with -1 for a variable dimension. */
public record IoSpec(String name, V2Type datatype, long[] shape) {
    /** Whether {@code actual} fits this shape (-1 matches any size; the rank must agree). */
    public boolean accepts(long[] actual) {
        if (actual.length != shape.length) return false;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] >= 0 && shape[i] != actual[i]) return false;
        }
        return true;
    }
}
