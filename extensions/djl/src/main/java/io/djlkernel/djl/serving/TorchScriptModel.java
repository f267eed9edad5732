package io.djlkernel.djl.serving;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A {@link ServableModel} over a DJL {@link ZooModel}: loaded here from a TorchScript file or a (DJL Serving /
 * exported) model folder, or wrapping a model loaded elsewhere ({@link #wrap}).
 */
public final class TorchScriptModel implements ServableModel, AutoCloseable {
    public static final String IMAGE_FACTORY = "ai.djl.modality.cv.translator.ImageClassificationTranslatorFactory";

    private final String name;
    private final ZooModel<?, ?> model;
    private final Device device;
    private final Path source;
    private final List<String> synset;
    private final int imageSize;
    private final boolean owned;
    private final BooleanSupplier closed;
    private final List<IoSpec> inputs;
    private final List<IoSpec> outputs;
    private volatile boolean isClosed;
    /** Batching read from serving.properties (batch_size, max_batch_delay), or null. */
    private final int[] batching;

    private TorchScriptModel(String name, ZooModel<?, ?> model, Device device, Path source, List<String> synset,
                             int imageSize, boolean owned, BooleanSupplier closed, int[] batching, long[] inputShape) {
        this.name = name;
        this.model = model;
        this.device = device;
        this.source = source;
        this.synset = List.copyOf(synset);
        this.imageSize = imageSize;
        this.owned = owned;
        this.closed = closed;
        this.batching = batching;
        if (imageSize > 0) {
            inputs = List.of(new IoSpec("image", V2Type.FP32, new long[] {-1, 3, imageSize, imageSize}));
            outputs = List.of(new IoSpec("logits", V2Type.FP32, new long[] {-1, this.synset.isEmpty() ? -1 : this.synset.size()}));
        } else if (inputShape != null) {
            inputs = List.of(new IoSpec("input0", V2Type.FP32, inputShape.clone()));
            outputs = List.of();
        } else {
            inputs = List.of();
            outputs = List.of();
        }
    }

    /**
     * Serves a model loaded elsewhere (e.g. {@code %model load}): {@code imageSize > 0} makes it an image classifier;
     * {@code closed} says when its owner unloaded it. Closing the wrapper leaves the model open.
     */
    public static TorchScriptModel wrap(String name, ZooModel<?, ?> model, Device device, Path source, List<String> synset,
                                        int imageSize, BooleanSupplier closed) {
        return new TorchScriptModel(name, model, device, source, synset, imageSize, false, closed, null, null);
    }

    /**
     * Loads a TorchScript file or a model folder (with serving.properties: translatorFactory, width, synset,
     * batch_size, max_batch_delay). {@code translator}/{@code size}/{@code synsetFile} override the folder's.
     */
    public static TorchScriptModel load(String name, Path path, String translator, int size, Path synsetFile, Device device)
            throws IOException {
        return load(name, path, translator, size, synsetFile, device, null);
    }

    /**
     * As above; {@code inputShape} (null: unknown) declares the one FP32 input of a model that is not an image
     * classifier ({@code --input-shape}).
     */
    public static TorchScriptModel load(String name, Path path, String translator, int size, Path synsetFile, Device device,
                                        long[] inputShape) throws IOException {
        if (!Files.exists(path)) throw new IOException("no such model file or folder: " + path);
        Path file = path;
        Properties props = new Properties();
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        if (Files.isDirectory(path)) {
            Path sp = path.resolve("serving.properties");
            if (Files.isRegularFile(sp)) {
                try (Reader r = Files.newBufferedReader(sp)) {
                    props.load(r);
                }
            }
            String modelName = props.getProperty("option.modelName");
            file = modelName != null && Files.isRegularFile(path.resolve(modelName + ".pt")) ? path.resolve(modelName + ".pt") : findModelFile(path);
        }
        boolean image = translator != null ? translator.toLowerCase(Locale.ROOT).startsWith("image")
                : IMAGE_FACTORY.equals(props.getProperty("translatorFactory"));
        int side = size > 0 ? size : Integer.parseInt(props.getProperty("width", image ? "224" : "-1"));
        if (image && inputShape != null) throw new IOException("--input-shape is for tensor models; an image classifier's input is 3x--size x--size");
        List<String> classes = new ArrayList<>();
        Path syn = synsetFile != null ? synsetFile : dir.resolve(props.getProperty("synsetFileName", "synset.txt"));
        if (Files.isRegularFile(syn)) {
            for (String line : Files.readAllLines(syn)) if (!line.isBlank()) classes.add(line.trim());
        }
        int[] batching = null;
        if (props.containsKey("batch_size")) {
            batching = new int[] {Integer.parseInt(props.getProperty("batch_size").trim()),
                Integer.parseInt(props.getProperty("max_batch_delay", "100").trim())};
        }
        Device dev = device != null ? device : Device.cpu();
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine("PyTorch").optTranslator(new NoopTranslator()).optDevice(dev).build();
        try {
            ZooModel<NDList, NDList> m = criteria.loadModel();
            return new TorchScriptModel(name, m, dev, path, classes, image ? side : -1, true, null, batching, inputShape);
        } catch (ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new IOException("cannot load " + file + " as TorchScript: " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }

    private static Path findModelFile(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".pt") || p.toString().endsWith(".pth") || p.toString().endsWith(".torchscript"))
                    .sorted().findFirst().orElseThrow(() -> new IOException("no .pt model file in " + dir));
        }
    }

    /** batch_size and max_batch_delay from serving.properties, or null. */
    public int[] servingBatching() {
        return batching;
    }

    @Override public String name() { return name; }
    @Override public Device device() { return device; }
    @Override public List<IoSpec> inputs() { return inputs; }
    @Override public List<IoSpec> outputs() { return outputs; }
    @Override public List<String> synset() { return synset; }
    @Override public int imageSize() { return imageSize; }
    @Override public Path source() { return source; }

    public ZooModel<?, ?> zooModel() {
        return model;
    }

    @Override
    public boolean isOpen() {
        return !isClosed && (closed == null || !closed.getAsBoolean());
    }

    @Override
    public Predictor<NDList, NDList> newTensorPredictor() {
        return model.newPredictor(new NoopTranslator());
    }

    @Override
    public void close() {
        if (isClosed) return;
        isClosed = true;
        if (owned) model.close();
    }
}
