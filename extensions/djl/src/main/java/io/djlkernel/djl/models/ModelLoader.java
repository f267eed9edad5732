package io.djlkernel.djl.models;

import io.djlkernel.api.magic.ClosestNames;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.transform.Normalize;
import ai.djl.modality.cv.transform.Resize;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.modality.cv.translator.ImageClassificationTranslator;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.TarUtils;
import ai.djl.util.ZipUtils;
import io.djlkernel.djl.DjlEnvironment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Loads TorchScript files, DJL model folders and .zip/.tar.gz archives through DJL's {@link Criteria} with a
 * local path (never downloads). Checks the file before DJL does, so that a state_dict, a truncated file or an
 * unknown format gets a message that says what it is and what to do.
 */
public final class ModelLoader {
    public static final List<String> MODEL_EXTENSIONS = List.of(".pt", ".pth", ".torchscript", ".ptl");
    public static final List<String> ARCHIVE_EXTENSIONS = List.of(".zip", ".tar.gz", ".tgz");
    static final String STATE_DICT_HELP = "Convert it here with its architecture: %model load NAME FILE --arch torchvision.models.resnet50 "
            + "[--arch-args num_classes=10] (or --arch my_model.py:Net); this runs the machine's Python and torch.\n"
            + "Or, in Python where the model's class is defined, save it as TorchScript:\n"
            + "    model.load_state_dict(torch.load(\"weights.pth\")); model.eval()\n"
            + "    torch.jit.trace(model, example_input).save(\"model.pt\")   # or: torch.jit.script(model).save(\"model.pt\")";

    private ModelLoader() {
    }

    public static LoadedModel load(String name, Path path, ModelOptions options) throws IOException, ModelLoadException {
        long start = System.nanoTime();
        Path source = path.isAbsolute() ? path.normalize() : ModelRoot.get().resolve(path).normalize();
        if (!Files.exists(source)) throw new ModelLoadException(missing(source));
        Device device = device(options.device());
        Map<String, String> details = new LinkedHashMap<>();
        if (options.stateDict() != null) {
            if (Files.isDirectory(source)) {
                throw new ModelLoadException("--arch converts a state_dict file, and " + source + " is a folder: give the weights file");
            }
            if (!hasTorchScriptCode(source)) return loadStateDict(name, source, options, device, start, details);
            details.put("Note", "--arch ignored: " + source.getFileName() + " is already TorchScript");
        }
        Format format = detect(source);

        Path local = source;
        if (options.useCache() && (source.startsWith(ModelRoot.get()) || format.archive)) local = ModelCache.get(source);
        Path modelDir;
        String modelName;
        if (format == Format.TORCHSCRIPT) {
            checkTorchScript(local);
            modelDir = local;
            modelName = stripExtension(local.getFileName().toString());
        } else {
            Path folder = local;
            if (format.archive) folder = extract(local);
            Path file = findModelFile(folder, source);
            checkTorchScript(file);
            modelDir = folder;
            modelName = stripExtension(file.getFileName().toString());
            if (!file.getParent().equals(folder)) modelDir = file.getParent();
        }
        SynsetChoice synset = synset(options, source, modelDir, -1);
        synset.describe(details);
        ZooModel<?, ?> model = criteria(options, modelDir, modelName, device, synset.names());
        if (synset.unverified()) {
            int outputs = probeOutputs(model, options.imageSize());
            if (outputs > 0 && outputs != synset.names().size()) {
                model.close();
                throw new ModelLoadException(synset.file() + " lies beside the model but has " + synset.names().size()
                        + " names and the model gives " + outputs + " outputs, so it does not name this model's classes: "
                        + "give --synset FILE with " + outputs + " names");
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new DjlLoadedModel(name, model, device, source, local, format.label, options, synset.names(), took, details);
    }

    /** A state_dict (or checkpoint) rebuilt with --arch by the machine's Python, then loaded as TorchScript. */
    private static LoadedModel loadStateDict(String name, Path source, ModelOptions options, Device device, long start,
                                             Map<String, String> details) throws IOException, ModelLoadException {
        StateDictConverter.Result r = StateDictConverter.convert(source, options.stateDict(), options.useCache());
        if (r.cached()) {
            details.put("Converted", "cached: converted earlier by torch.jit." + r.method() + " (" + r.versions()
                    + "), read from " + r.torchScript().getParent() + " in " + r.took().toMillis() + " ms");
        } else {
            details.put("Converted", "state_dict → TorchScript by torch.jit." + r.method() + " with " + r.python() + " ("
                    + r.versions() + ") in " + String.format(Locale.ROOT, "%.1f s", r.took().toMillis() / 1000.0));
        }
        details.put("Verified", "TorchScript vs eager on a random " + Arrays.toString(r.inputShape()) + " input: max abs "
                + "difference " + String.format(Locale.ROOT, "%.3g", r.maxAbsDiff()) + ", output " + Arrays.toString(r.outputShape()));
        for (int i = 0; i < r.notes().size(); i++) details.put(i == 0 ? "Note" : "Note " + (i + 1), r.notes().get(i));
        SynsetChoice synset = synset(options, source, source.getParent(), r.classes());
        synset.describe(details);
        List<String> names = synset.names();
        if (names.isEmpty() && options.translator() == TranslatorKind.IMAGE_CLASSIFICATION && r.classes() > 0) {
            names = IntStream.range(0, r.classes()).mapToObj(Integer::toString).toList();
            details.put("Classes", "no synset: the " + r.classes() + " classes are named by their index (give --synset FILE for names)");
        }
        ZooModel<?, ?> model = criteria(options, r.torchScript(), "model", device, names);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new DjlLoadedModel(name, model, device, source, r.torchScript(), "state_dict → TorchScript (" + r.method() + ")",
                options, names, took, details);
    }

    /** Whether a file is TorchScript (a zip with code), as opposed to weights only; false when unreadable. */
    static boolean hasTorchScriptCode(Path file) {
        try (ZipFile z = new ZipFile(file.toFile())) {
            for (var it = z.entries(); it.hasMoreElements(); ) {
                String n = it.nextElement().getName();
                if (n.contains("/code/") || n.endsWith("/constants.pkl")) return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The number of classes an image model gives for one picture; -1 when it does not say (or fails). */
    static int probeOutputs(ZooModel<?, ?> model, int size) {
        try (NDManager m = model.getNDManager().newSubManager();
             Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
            Shape s = p.predict(new NDList(m.zeros(new Shape(1, 3, size, size)))).get(0).getShape();
            return s.dimension() == 2 ? (int) s.get(1) : -1;
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }

    private static ZooModel<?, ?> criteria(ModelOptions options, Path modelDir, String modelName, Device device,
                                          List<String> synset) throws ModelLoadException {
        try {
            if (options.translator() == TranslatorKind.IMAGE_CLASSIFICATION) {
                if (synset.isEmpty()) {
                    throw new ModelLoadException("an image classifier needs class names: give --synset FILE (one "
                            + "name a line) or put synset.txt next to the model");
                }
                int size = options.imageSize();
                ImageClassificationTranslator translator = ImageClassificationTranslator.builder()
                        .setImageSize(size, size)
                        .addTransform(new Resize(size, size))
                        .addTransform(new ToTensor())
                        .addTransform(new Normalize(new float[]{0.485f, 0.456f, 0.406f}, new float[]{0.229f, 0.224f, 0.225f}))
                        .optSynset(synset)
                        .optApplySoftmax(true)
                        .build();
                return Criteria.builder().setTypes(Image.class, Classifications.class)
                        .optModelPath(modelDir).optModelName(modelName).optEngine(options.engine())
                        .optDevice(device).optTranslator(translator).optOption("trainParam", "true")
                        .build().loadModel();
            }
            return Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(modelDir).optModelName(modelName).optEngine(options.engine())
                    .optDevice(device).optTranslator(new NoopTranslator()).optOption("trainParam", "true")
                    .build().loadModel();
        } catch (ModelLoadException e) {
            throw e;
        } catch (Exception | LinkageError e) {
            throw new ModelLoadException(explain(e, modelDir, device), e);
        }
    }

    static String explain(Throwable e, Path modelDir, Device device) {
        String all = DjlEnvironmentMessages.chain(e);
        String lower = all.toLowerCase(Locale.ROOT);
        if (lower.contains("out of memory") || e instanceof OutOfMemoryError) {
            return "not enough memory on " + device + " to load " + modelDir.getFileName() + ". Fix: unload models "
                    + "you no longer need (%model list, %model unload NAME), free tensors (%memory), or load it with "
                    + "--device cpu. (" + firstLine(all) + ")";
        }
        if (lower.contains("constants.pkl") || lower.contains("failed finding central directory")
                || lower.contains("pytorchstreamreader")) {
            return modelDir.getFileName() + " is not a TorchScript model DJL can read (" + firstLine(all)
                    + "). If it is a state_dict (weights only):\n" + STATE_DICT_HELP;
        }
        if (e instanceof DjlEnvironment.DjlUnavailableException) return e.getMessage();
        return "DJL could not load " + modelDir + ": " + firstLine(all);
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl >= 0 ? s.substring(0, nl) : s;
        return line.length() > 400 ? line.substring(0, 400) + "…" : line;
    }

    /** What kind of model source a path is. */
    enum Format {
        TORCHSCRIPT("TorchScript", false), FOLDER("DJL folder", false), ZIP("zip archive", true),
        TAR_GZ("tar.gz archive", true);

        final String label;
        final boolean archive;

        Format(String label, boolean archive) {
            this.label = label;
            this.archive = archive;
        }
    }

    static Format detect(Path source) throws ModelLoadException {
        if (Files.isDirectory(source)) return Format.FOLDER;
        String n = source.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : MODEL_EXTENSIONS) if (n.endsWith(ext)) return Format.TORCHSCRIPT;
        if (n.endsWith(".zip")) return Format.ZIP;
        if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) return Format.TAR_GZ;
        String hint = "";
        if (n.endsWith(".onnx")) hint = " ONNX needs DJL's OnnxRuntime engine, which this kernel does not ship; export the model to TorchScript instead.";
        else if (n.endsWith(".safetensors") || n.endsWith(".bin") || n.endsWith(".ckpt")) hint = " It looks like weights only: " + STATE_DICT_HELP;
        throw new ModelLoadException("unknown model format: " + source.getFileName() + ". %model load reads TorchScript "
                + "files (" + String.join(", ", MODEL_EXTENSIONS) + "), DJL model folders and archives ("
                + String.join(", ", ARCHIVE_EXTENSIONS) + ")." + hint);
    }

    /** Refuses state_dicts, pickles and truncated files with a message that says which it is. */
    static void checkTorchScript(Path file) throws ModelLoadException, IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4) throw new ModelLoadException(file.getFileName() + " is empty or truncated (" + n + " bytes).");
        }
        boolean zip = head[0] == 'P' && head[1] == 'K';
        if (!zip) {
            if ((head[0] & 0xff) == 0x80) {
                throw new ModelLoadException(file.getFileName() + " is a Python pickle (torch.save in the legacy "
                        + "format), not TorchScript: it holds weights or a pickled module that only Python can rebuild.\n"
                        + STATE_DICT_HELP);
            }
            throw new ModelLoadException(file.getFileName() + " is not a TorchScript file (TorchScript files are zip "
                    + "archives; this one starts with bytes " + String.format("%02x %02x %02x %02x", head[0], head[1], head[2], head[3])
                    + "). It may be corrupt, or another format.");
        }
        boolean code = false;
        boolean constants = false;
        boolean data = false;
        try (ZipFile z = new ZipFile(file.toFile())) {
            for (var it = z.entries(); it.hasMoreElements(); ) {
                ZipEntry e = it.nextElement();
                String n = e.getName();
                if (n.contains("/code/")) code = true;
                if (n.endsWith("/constants.pkl")) constants = true;
                if (n.endsWith("/data.pkl")) data = true;
            }
        } catch (ZipException e) {
            throw new ModelLoadException(file.getFileName() + " is corrupt or truncated (" + Files.size(file)
                    + " bytes; its zip directory is unreadable: " + e.getMessage() + "). Copy it again from its source; "
                    + "if it is on a mount, check that the upload finished.");
        }
        if (data && !code && !constants) {
            throw new ModelLoadException(file.getFileName() + " is a state_dict (torch.save(model.state_dict())): it "
                    + "holds only the weights, not the model's code, so neither DJL nor libtorch can run it.\n" + STATE_DICT_HELP);
        }
    }

    static Path extract(Path archive) throws IOException, ModelLoadException {
        Path out = archive.resolveSibling(archive.getFileName() + ".extracted");
        if (!Files.exists(out.resolve(".complete"))) {
            ModelCache.deleteTree(out);
            Files.createDirectories(out);
            String n = archive.getFileName().toString().toLowerCase(Locale.ROOT);
            try (InputStream in = Files.newInputStream(archive)) {
                if (n.endsWith(".zip")) ZipUtils.unzip(in, out);
                else TarUtils.untar(in, out, true);
            } catch (IOException | RuntimeException e) {
                ModelCache.deleteTree(out);
                throw new ModelLoadException(archive.getFileName() + " is corrupt or truncated: " + e.getMessage());
            }
            Files.writeString(out.resolve(".complete"), "");
        }
        // an archive of one folder: the model is in that folder
        try (Stream<Path> entries = Files.list(out)) {
            List<Path> shown = entries.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            if (shown.size() == 1 && Files.isDirectory(shown.get(0))) return shown.get(0);
        }
        return out;
    }

    /** The folder's model file: {@code <folder>.pt}, {@code model.pt}, else its only TorchScript file. */
    static Path findModelFile(Path folder, Path source) throws IOException, ModelLoadException {
        String base = stripExtension(source.getFileName().toString());
        for (String candidate : List.of(folder.getFileName() + ".pt", base + ".pt", "model.pt")) {
            Path p = folder.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> all = Files.walk(folder, 2)) {
            all.filter(Files::isRegularFile).filter(p -> isModelFile(p.getFileName().toString())).sorted().forEach(found::add);
        }
        if (found.size() == 1) return found.get(0);
        if (found.isEmpty()) {
            throw new ModelLoadException("no TorchScript file (" + String.join(", ", MODEL_EXTENSIONS) + ") in "
                    + source + ". A DJL model folder holds NAME.pt (and optionally synset.txt, serving.properties).");
        }
        throw new ModelLoadException("several model files in " + source + ": "
                + found.stream().map(p -> folder.relativize(p).toString()).toList()
                + "; load one of them by its path, or name the folder's main one " + folder.getFileName() + ".pt");
    }

    static boolean isModelFile(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return MODEL_EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    static String stripExtension(String n) {
        String lower = n.toLowerCase(Locale.ROOT);
        for (String ext : List.of(".tar.gz", ".tgz", ".zip", ".pt", ".pth", ".torchscript", ".ptl")) {
            if (lower.endsWith(ext)) return n.substring(0, n.length() - ext.length());
        }
        return n;
    }

    /**
     * The class names and where they came from. A named synset is used as given; a synset.txt that merely lies
     * beside the model is used only when it fits: its line count equals the model's known output size, or (image
     * classifiers, output size not yet known) the loader checks it against one forward pass. A tensors model
     * whose outputs are not known ignores it (a folder of models shares one synset.txt that fits only some).
     */
    record SynsetChoice(List<String> names, Path file, boolean unverified, String note) {
        void describe(Map<String, String> details) {
            if (note != null) details.put("Synset", note);
        }
    }

    static SynsetChoice synset(ModelOptions options, Path source, Path modelDir, int outputs) throws IOException, ModelLoadException {
        Path file = options.synset();
        if (file != null) {
            if (!file.isAbsolute()) {
                Path nearModel = (Files.isDirectory(source) ? source : source.getParent()).resolve(file);
                file = Files.exists(nearModel) ? nearModel : ModelRoot.get().resolve(file);
            }
            if (!Files.isRegularFile(file)) throw new ModelLoadException("synset file not found: " + file);
            List<String> names = readSynset(file);
            String note = outputs > 0 && outputs != names.size() ? file.getFileName() + " has " + names.size()
                    + " names but the model gives " + outputs + " outputs (used as named)" : null;
            return new SynsetChoice(names, file, false, note);
        }
        for (Path dir : new Path[]{modelDir, Files.isDirectory(source) ? source : source.getParent()}) {
            if (dir != null && Files.isRegularFile(dir.resolve("synset.txt"))) {
                file = dir.resolve("synset.txt");
                break;
            }
        }
        if (file == null) return new SynsetChoice(List.of(), null, false, null);
        List<String> names = readSynset(file);
        if (outputs > 0) {
            if (outputs == names.size()) return new SynsetChoice(names, file, false, "synset.txt beside the model (" + names.size() + " names, one per output)");
            return new SynsetChoice(List.of(), file, false, "synset.txt beside the model ignored: it has " + names.size()
                    + " names and the model gives " + outputs + " outputs (name one with --synset FILE)");
        }
        if (options.translator() == TranslatorKind.IMAGE_CLASSIFICATION) return new SynsetChoice(names, file, true, null);
        return new SynsetChoice(List.of(), file, false, "synset.txt beside the model ignored: a tensors model's output "
                + "size is not known before it runs, so it cannot be matched (name it with --synset FILE to attach it)");
    }

    private static List<String> readSynset(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** cpu, gpu, gpu:N or auto (the first GPU, else the CPU); a GPU that is not there is a clear error. */
    public static Device device(String spec) throws ModelLoadException {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        Engine engine = DjlEnvironment.engine();
        int gpus = engine.getGpuCount();
        switch (s) {
            case "auto", "best":
                return gpus > 0 ? Device.gpu(0) : Device.cpu();
            case "cpu":
                return Device.cpu();
            default:
                break;
        }
        int id;
        if (s.equals("gpu") || s.equals("cuda")) id = 0;
        else if (s.matches("(gpu|cuda)[:(]?\\d+\\)?")) id = Integer.parseInt(s.replaceAll("\\D", ""));
        else throw new ModelLoadException("unknown device '" + spec + "': use auto, cpu, gpu or gpu:N");
        if (gpus == 0) {
            throw new ModelLoadException("device " + spec + " is not present: DJL sees no GPU here. Use --device cpu "
                    + "(or --device auto, which picks a GPU when there is one).");
        }
        if (id >= gpus) {
            throw new ModelLoadException("device gpu:" + id + " is not present: this machine has " + gpus
                    + " GPU(s), gpu:0" + (gpus > 1 ? "..gpu:" + (gpus - 1) : "") + ".");
        }
        return Device.gpu(id);
    }

    /** "not found" with the closest names in the nearest folder that exists. */
    static String missing(Path source) {
        Path dir = source.getParent();
        while (dir != null && !Files.isDirectory(dir)) dir = dir.getParent();
        StringBuilder sb = new StringBuilder("model not found: ").append(source);
        if (!source.startsWith(ModelRoot.get())) sb.append(" (relative paths resolve against the model root ").append(ModelRoot.get()).append(')');
        else sb.append(" (model root ").append(ModelRoot.get()).append(", from ").append(ModelRoot.origin()).append(')');
        if (dir == null) return sb.toString();
        String wanted = source.getFileName().toString().toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.map(p -> p.getFileName().toString() + (Files.isDirectory(p) ? "/" : "")).forEach(names::add);
        } catch (IOException | SecurityException e) {
            return sb.toString();
        }
        List<String> closest = names.stream()
                .sorted(Comparator.comparingInt((String n) -> ClosestNames.distance(wanted, n.toLowerCase(Locale.ROOT).replace("/", ""))))
                .limit(3).toList();
        if (!closest.isEmpty()) sb.append(". Closest in ").append(dir).append(": ").append(String.join(", ", closest));
        else sb.append(". ").append(dir).append(" is empty");
        return sb.toString();
    }


    /** Only to keep messages short. */
    static final class DjlEnvironmentMessages {
        private DjlEnvironmentMessages() {
        }

        static String chain(Throwable t) {
            StringBuilder sb = new StringBuilder();
            int depth = 0;
            for (Throwable c = t; c != null && depth++ < 6; c = c.getCause() == c ? null : c.getCause()) {
                if (sb.length() > 0) sb.append(" <- ");
                sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
            }
            return sb.toString();
        }
    }

    static boolean isMissing(Throwable t) {
        return t instanceof NoSuchFileException;
    }
}
