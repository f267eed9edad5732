package io.djlkernel.djl.models;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A model loaded by {@code %model load} (or {@link ModelStore#load}): DJL's ZooModel, where it lives, where it
 * came from, and ready predictors. Bound in the notebook to a variable of this type.
 *
 * <p>Threads: the convenience methods ({@link #predict}, {@link #classify}) share one predictor each and are
 * synchronized. Servers with several workers make their own with {@link #newTensorPredictor()} /
 * {@link #newClassifier()} (one per worker thread; close them).
 */
public interface LoadedModel extends AutoCloseable {
    /** The name it was loaded under (the notebook variable's name). */
    String name();

    /** DJL's model: its block, its NDManager, {@code newPredictor(...)}. */
    ZooModel<?, ?> model();

    /** Where the model's weights live (cpu(), gpu(0), ...). */
    Device device();

    /** The file or folder it was loaded from, as given (resolved against the model root). */
    Path source();

    /** The local copy DJL read (the cache entry for a file under the model root), or {@link #source()}. */
    Path localPath();

    /** The format detected: "TorchScript", "DJL folder", "zip archive", "tar.gz archive". */
    String format();

    TranslatorKind translatorKind();

    /** Inputs when known (image classifiers); empty for a bare TorchScript file. -1 marks a variable dimension. */
    List<TensorSpec> inputs();

    /** Outputs when known; empty otherwise. */
    List<TensorSpec> outputs();

    /** The class names of an image classifier (from --synset or synset.txt next to the model); empty otherwise. */
    List<String> synset();

    /**
     * What the load found that the user should know, as labelled rows: how a state_dict was converted and checked,
     * a checkpoint's weights taken from its 'state_dict' entry, a synset.txt ignored and why. Empty for most models.
     */
    default Map<String, String> details() {
        return Map.of();
    }

    /** The image side the classifier resizes to (--size), or -1 for an ndlist model. */
    int imageSize();

    /** Number of scalar parameters (weights). */
    long parameterCount();

    /** Bytes the parameters take on the device. */
    long parameterBytes();

    /** How long loading took (copy to cache included). */
    Duration loadTime();

    /** Tensors in, tensors out, through the model's block (any translator kind). Synchronized. */
    NDList predict(NDList input) throws TranslateException;

    /** Convenience for cells: {@code mlp.predict(manager.randomNormal(new Shape(2, 4)))}. */
    default NDList predict(ai.djl.ndarray.NDArray... inputs) throws TranslateException {
        return predict(new NDList(inputs));
    }

    /** An image classifier's top classes. Synchronized. Throws IllegalStateException for an ndlist model. */
    Classifications classify(Image image) throws TranslateException;

    Classifications classify(BufferedImage image) throws TranslateException;

    Classifications classify(Path imageFile) throws TranslateException, IOException;

    /** The model's default predictor (NDList→NDList or Image→Classifications per {@link #translatorKind()}). */
    Predictor<?, ?> predictor();

    /** A new tensor predictor for one worker thread; the caller closes it. */
    Predictor<NDList, NDList> newTensorPredictor();

    /** A new classifier predictor for one worker thread; the caller closes it. IllegalStateException for ndlist. */
    Predictor<Image, Classifications> newClassifier();

    /** Whether {@link #close()} was called (by {@code %model unload}). */
    boolean isClosed();

    /** Closes the predictors and the model, freeing its memory. Idempotent. */
    @Override
    void close();
}
