package io.djlkernel.djl.models;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.util.Pair;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The {@link LoadedModel} behind {@code %model load}: a ZooModel and its predictors. */
final class DjlLoadedModel implements LoadedModel {
    private final String name;
    private final ZooModel<?, ?> model;
    private final Device device;
    private final Path source;
    private final Path local;
    private final String format;
    private final ModelOptions options;
    private final List<String> synset;
    private final Duration loadTime;
    private final Map<String, String> details;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private Predictor<?, ?> predictor;
    private Predictor<NDList, NDList> tensorPredictor;
    private long parameters = -1;
    private long parameterBytes = -1;
    private volatile boolean closed;

    DjlLoadedModel(String name, ZooModel<?, ?> model, Device device, Path source, Path local, String format,
                   ModelOptions options, List<String> synset, Duration loadTime) {
        this(name, model, device, source, local, format, options, synset, loadTime, Map.of());
    }

    DjlLoadedModel(String name, ZooModel<?, ?> model, Device device, Path source, Path local, String format,
                   ModelOptions options, List<String> synset, Duration loadTime, Map<String, String> details) {
        this.details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
        this.name = name;
        this.model = model;
        this.device = device;
        this.source = source;
        this.local = local;
        this.format = format;
        this.options = options;
        this.synset = List.copyOf(synset);
        this.loadTime = loadTime;
        if (options.translator() == TranslatorKind.IMAGE_CLASSIFICATION) {
            int s = options.imageSize();
            inputs = List.of(new TensorSpec("image", DataType.FLOAT32, new Shape(-1, 3, s, s)));
            outputs = List.of(new TensorSpec("logits", DataType.FLOAT32, new Shape(-1, this.synset.size())));
        } else {
            inputs = List.of();
            outputs = List.of();
        }
    }

    @Override public String name() { return name; }
    @Override public ZooModel<?, ?> model() { return model; }
    @Override public Device device() { return device; }
    @Override public Path source() { return source; }
    @Override public Path localPath() { return local; }
    @Override public String format() { return format; }
    @Override public TranslatorKind translatorKind() { return options.translator(); }
    @Override public List<TensorSpec> inputs() { return inputs; }
    @Override public List<TensorSpec> outputs() { return outputs; }
    @Override public List<String> synset() { return synset; }
    @Override public Duration loadTime() { return loadTime; }
    @Override public Map<String, String> details() { return details; }
    @Override public boolean isClosed() { return closed; }

    @Override
    public int imageSize() {
        return options.translator() == TranslatorKind.IMAGE_CLASSIFICATION ? options.imageSize() : -1;
    }

    @Override
    public synchronized long parameterCount() {
        countParameters();
        return parameters;
    }

    @Override
    public synchronized long parameterBytes() {
        countParameters();
        return parameterBytes;
    }

    private void countParameters() {
        if (parameters >= 0) return;
        long n = 0;
        long bytes = 0;
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            NDArray a = p.getValue().getArray();
            n += a.size();
            bytes += a.size() * a.getDataType().getNumOfBytes();
        }
        parameters = n;
        parameterBytes = bytes;
    }

    /** Forgets the counts (after fine-tuning changed nothing in size, but a reload might). */
    synchronized void recount() {
        parameters = -1;
    }

    @Override
    public synchronized NDList predict(NDList input) throws TranslateException {
        open();
        if (tensorPredictor == null) tensorPredictor = newTensorPredictor();
        return tensorPredictor.predict(input);
    }

    @Override
    public synchronized Classifications classify(Image image) throws TranslateException {
        open();
        requireClassifier();
        @SuppressWarnings("unchecked")
        Predictor<Image, Classifications> p = (Predictor<Image, Classifications>) predictor();
        return p.predict(image);
    }

    @Override
    public Classifications classify(BufferedImage image) throws TranslateException {
        return classify(ImageFactory.getInstance().fromImage(image));
    }

    @Override
    public Classifications classify(Path imageFile) throws TranslateException, IOException {
        return classify(ImageFactory.getInstance().fromFile(imageFile));
    }

    @Override
    public synchronized Predictor<?, ?> predictor() {
        open();
        if (predictor == null) predictor = model.newPredictor();
        return predictor;
    }

    @Override
    public Predictor<NDList, NDList> newTensorPredictor() {
        open();
        Translator<NDList, NDList> noop = new NoopTranslator();
        return model.newPredictor(noop);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Predictor<Image, Classifications> newClassifier() {
        open();
        requireClassifier();
        return ((ZooModel<Image, Classifications>) model).newPredictor();
    }

    private void requireClassifier() {
        if (options.translator() != TranslatorKind.IMAGE_CLASSIFICATION) {
            throw new IllegalStateException(name + " was loaded with --translator " + options.translator()
                    + "; load it with --translator image-classification to classify images (or use predict(NDList))");
        }
    }

    private void open() {
        if (closed) throw new IllegalStateException("model " + name + " was unloaded; load it again with %model load");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (predictor != null) predictor.close();
        if (tensorPredictor != null) tensorPredictor.close();
        model.close();
    }

    @Override
    public String toString() {
        return "LoadedModel[" + name + ", " + format + " " + source + ", " + translatorKind() + ", " + device
                + (closed ? ", unloaded" : "") + "]";
    }
}
