package io.djlkernel.djl.models;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One input or output of a loaded model, when it is known: its name, element type and shape, with -1 for a
 * variable dimension (the batch, as a rule). TorchScript files do not record these; image classifiers do
 * ({@code [-1, 3, size, size]} float32 in, {@code [-1, classes]} float32 out).
 */
public record TensorSpec(String name, DataType dataType, Shape shape) {
    @Override
    public String toString() {
        return name + ": " + dataType + " " + shape;
    }
}
