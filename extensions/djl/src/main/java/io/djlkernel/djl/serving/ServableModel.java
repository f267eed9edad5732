package io.djlkernel.djl.serving;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;

import java.nio.file.Path;
import java.util.List;

/**
 * What the server needs of a model: a name, tensor predictors for worker threads, the signature when known and
 * the class names of an image classifier. {@code io.djlkernel.djl.models.LoadedModel} satisfies it through
 * {@link ServableModels#adapt}; {@link TorchScriptModel} loads one on its own (standalone {@code serve}).
 */
public interface ServableModel {
    String name();

    /** Where the model's weights live; worker threads make their input arrays there. */
    ai.djl.Device device();

    /** V2 platform name, e.g. {@code pytorch_torchscript}. */
    default String platform() {
        return "pytorch_torchscript";
    }

    /** Declared inputs; empty when the model does not record them (a bare TorchScript file). */
    List<IoSpec> inputs();

    /** Declared outputs; empty when unknown. */
    List<IoSpec> outputs();

    /** Class names of an image classifier; empty otherwise. */
    List<String> synset();

    /** The side images are resized to, or -1 when the model is not an image classifier. */
    int imageSize();

    /** The model file or folder, for {@code %export}; null when there is none. */
    Path source();

    /** A new predictor for one worker thread; the caller closes it. */
    Predictor<NDList, NDList> newTensorPredictor();

    default boolean isImageClassifier() {
        return imageSize() > 0;
    }

    /** Whether the model is still usable (not unloaded). */
    default boolean isOpen() {
        return true;
    }
}
