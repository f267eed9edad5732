package io.djlkernel.djl.models;

import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import io.djlkernel.api.magic.MagicArgs;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.render.Report;

import javax.lang.model.SourceVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** {@code %models} and {@code %model}: models from the model root (a mounted volume) into the notebook. */
public final class ModelMagics {
    public static final String MODELS_SUMMARY = "model files and folders under the model root (MODEL_ROOT, /models in the image)";
    public static final String MODELS_USAGE = "%models [SUBDIR] [--root DIR]\n"
            + "  A table (name, format, size, modified) of TorchScript files, DJL model folders and archives under the\n"
            + "  model root: MODEL_ROOT (the image mounts /models there), else ./models in the kernel's folder.\n"
            + "  --root DIR   sets the model root for this kernel (relative to the notebook's folder); --root - resets it";
    public static final String MODEL_SUMMARY = "load, inspect, save and unload models (TorchScript, DJL folders, archives)";
    public static final String MODEL_USAGE = "%model load NAME PATH [--device auto|cpu|gpu|gpu:N] [--translator ndlist|image-classification]\n"
            + "            [--size 224] [--synset FILE] [--engine PyTorch] [--no-cache]\n"
            + "            [--arch torchvision.models.resnet50|my_model.py:Net [--arch-args num_classes=10]\n"
            + "             [--input-shape 1,3,224,224] [--python PATH]]\n"
            + "  Loads PATH (relative to the model root, or absolute): a TorchScript .pt/.pth, a DJL model folder or a\n"
            + "  .zip/.tar.gz archive, and binds the variable NAME (a LoadedModel: predict(...), classify(...), model(),\n"
            + "  predictor()). Files on the model root are copied once to a local cache (path+size+mtime).\n"
            + "  --device auto (default) picks gpu(0) when there is a GPU, else the CPU.\n"
            + "  --arch: PATH is a state_dict (or a checkpoint holding one): the machine's Python + torch rebuild the\n"
            + "  model, script it (else trace it with --input-shape), check it against eager, and cache the TorchScript.\n"
            + "  Python: --python, else $DJL_KERNEL_PYTHON, else python3 on PATH with torch, else /usr/bin/python3.\n"
            + "%model info NAME         inputs/outputs, parameters, device, memory\n"
            + "%model list              the loaded models\n"
            + "%model unload NAME       closes the model and frees its memory\n"
            + "%model save NAME DIR     writes a DJL model folder (DIR/NAME.pt TorchScript, synset.txt, serving.properties)\n"
            + "%model cache [--clear]   the local cache of files read from the model root";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private ModelMagics() {
    }

    // ---------------------------------------------------------------- %models

    public static Object models(String args, MagicContext ctx) throws MagicException {
        List<String> words = split(args);
        String sub = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--root")) {
                if (i + 1 >= words.size()) throw new MagicException("--root needs a folder\n" + MODELS_USAGE);
                String dir = words.get(++i);
                if (dir.equals("-")) ModelRoot.set(null);
                else {
                    Path p = Path.of(dir);
                    if (!p.isAbsolute() && ctx != null && ctx.workingDirectory() != null) p = ctx.workingDirectory().resolve(p);
                    if (!Files.isDirectory(p)) throw new MagicException("--root " + dir + ": not a folder (" + p.toAbsolutePath().normalize() + ")");
                    ModelRoot.set(p);
                }
            } else if (w.startsWith("--")) {
                throw new MagicException("unknown option " + w + "\n" + MODELS_USAGE);
            } else if (sub == null) {
                sub = w;
            } else {
                throw new MagicException("one folder at most\n" + MODELS_USAGE);
            }
        }
        Path root = ModelRoot.get();
        Path dir = sub == null ? root : ModelRoot.resolve(sub);
        if (!Files.isDirectory(dir)) {
            throw new MagicException(Files.exists(dir) ? dir + " is a file, not a folder"
                    : "no folder " + dir + " (model root " + root + ", from " + ModelRoot.origin() + ")");
        }
        return listing(dir, root);
    }

    /** One row per model file, model folder, archive or sub-folder. */
    public record Entry(String name, String format, long bytes, long modifiedMillis) {
    }

    static Report listing(Path dir, Path root) throws MagicException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list.sorted()::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".")) continue;
                String format = format(p);
                if (format == null) continue;
                long[] st = ModelCache.sizeAndTime(p);
                entries.add(new Entry(n + (Files.isDirectory(p) ? "/" : ""), format, st[0], st[1]));
            }
        } catch (IOException e) {
            throw new MagicException("cannot list " + dir + ": " + e.getMessage());
        }
        List<List<String>> body = new ArrayList<>();
        for (Entry e : entries) body.add(List.of(e.name(), e.format(), size(e.bytes()), TIME.format(java.time.Instant.ofEpochMilli(e.modifiedMillis()))));
        Report r = new Report("Models in " + dir);
        r.row("Model root", root + " (" + ModelRoot.origin() + ")");
        if (body.isEmpty()) r.note("no model files here (TorchScript .pt/.pth, DJL folders, .zip/.tar.gz archives)");
        else r.table("Files", List.of("name", "format", "size", "modified"), body);
        r.data(entries);
        return r;
    }

    static String format(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(p)) {
            try (Stream<Path> inside = Files.list(p)) {
                return inside.anyMatch(q -> ModelLoader.isModelFile(q.getFileName().toString())) ? "DJL folder" : "folder";
            } catch (IOException e) {
                return "folder";
            }
        }
        if (n.endsWith(".pth") && n.contains("state_dict")) return "state_dict (weights only)";
        if (ModelLoader.isModelFile(n)) return "TorchScript";
        if (n.endsWith(".zip")) return "zip archive";
        if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) return "tar.gz archive";
        if (n.endsWith(".onnx")) return "ONNX (not loadable)";
        if (n.endsWith(".safetensors") || n.endsWith(".ckpt")) return "weights only";
        return null;
    }

    static String size(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", b / 1073741824.0);
    }

    // ---------------------------------------------------------------- %model

    public static Object model(String args, MagicContext ctx) throws MagicException {
        List<String> words = split(args);
        if (words.isEmpty()) throw new MagicException("which action?\n" + MODEL_USAGE);
        String action = words.remove(0);
        return switch (action) {
            case "load" -> load(words, ctx);
            case "info" -> info(one(words, "info"));
            case "list", "ls" -> list();
            case "unload" -> unload(one(words, "unload"), ctx);
            case "save" -> save(words, ctx);
            case "cache" -> cache(words);
            default -> throw new MagicException("unknown action '" + action + "'\n" + MODEL_USAGE);
        };
    }

    private static String one(List<String> words, String action) throws MagicException {
        if (words.size() != 1) throw new MagicException("%model " + action + " NAME\n" + MODEL_USAGE);
        return words.get(0);
    }

    static Object load(List<String> words, MagicContext ctx) throws MagicException {
        ModelOptions options = ModelOptions.defaults();
        List<String> positional = new ArrayList<>();
        boolean translatorGiven = false;
        boolean sizeGiven = false;
        String arch = null;
        String python = null;
        long[] inputShape = null;
        List<String> archArgs = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("--")) {
                positional.add(w);
                continue;
            }
            String opt = w;
            String value = null;
            int eq = w.indexOf('=');
            if (eq > 0) {
                opt = w.substring(0, eq);
                value = w.substring(eq + 1);
            }
            if (opt.equals("--no-cache")) {
                options = options.withCache(false);
                continue;
            }
            if (opt.equals("--translator")) translatorGiven = true;
            if (value == null) {
                if (i + 1 >= words.size()) throw new MagicException(opt + " needs a value\n" + MODEL_USAGE);
                value = words.get(++i);
            }
            switch (opt) {
                case "--arch" -> arch = value;
                case "--arch-args" -> archArgs.add(value);
                case "--python" -> python = value;
                case "--input-shape" -> inputShape = shape(value);
                default -> { }
            }
            if (List.of("--arch", "--arch-args", "--python", "--input-shape").contains(opt)) continue;
            if (opt.equals("--size")) sizeGiven = true;
            try {
                options = switch (opt) {
                    case "--device" -> options.withDevice(value);
                    case "--translator" -> options.withTranslator(TranslatorKind.parse(value));
                    case "--size" -> options.withImageSize(Integer.parseInt(value));
                    case "--synset" -> options.withSynset(Path.of(value));
                    case "--engine" -> options.withEngine(value);
                    default -> throw new MagicException("unknown option " + opt + "\n" + MODEL_USAGE);
                };
            } catch (NumberFormatException e) {
                throw new MagicException("--size needs a whole number, not " + value);
            } catch (IllegalArgumentException e) {
                throw new MagicException(e.getMessage());
            }
        }
        if (positional.size() != 2) throw new MagicException("%model load NAME PATH\n" + MODEL_USAGE);
        String name = positional.get(0);
        if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
            throw new MagicException("'" + name + "' is not a Java variable name (letters, digits, _; not a keyword)");
        }
        if (!"PyTorch".equalsIgnoreCase(options.engine())) {
            throw new MagicException("engine " + options.engine() + " is not in this kernel: only PyTorch (libtorch "
                    + DjlEnvironment.TORCH_VERSION + ") is");
        }
        if (options.synset() != null && !translatorGiven) {
            options = options.withTranslator(TranslatorKind.IMAGE_CLASSIFICATION);
        }
        if (arch == null && (!archArgs.isEmpty() || inputShape != null || python != null)) {
            throw new MagicException("--arch-args, --input-shape and --python go with --arch (converting a state_dict)\n" + MODEL_USAGE);
        }
        if (arch != null) {
            // one picture's shape both ways: the image classifier's side and the converter's random input
            if (inputShape == null && sizeGiven) inputShape = new long[]{1, 3, options.imageSize(), options.imageSize()};
            if (inputShape != null && !sizeGiven && inputShape.length == 4) options = options.withImageSize((int) inputShape[2]);
            options = options.withStateDict(new StateDictConverter.Spec(archPath(arch, positional.get(1), ctx),
                    String.join(",", archArgs), inputShape, python));
        }
        LoadedModel m;
        try {
            m = ModelStore.load(name, Path.of(positional.get(1)), options);
        } catch (ModelLoadException e) {
            throw new MagicException(e.getMessage());
        } catch (DjlEnvironment.DjlUnavailableException e) {
            throw new MagicException(e.getMessage());
        } catch (IOException e) {
            throw new MagicException("reading " + positional.get(1) + " failed: " + e);
        }
        bind(name, ctx);
        Report r = new Report("Loaded " + name);
        r.row("From", m.source() + (m.localPath().equals(m.source()) ? "" : " (read via cache " + m.localPath().getParent() + ")"));
        r.row("Format", m.format() + ", translator " + m.translatorKind());
        m.details().forEach(r::row);
        r.row("Device", m.device());
        r.row("Parameters", String.format(Locale.ROOT, "%,d (%s)", m.parameterCount(), size(m.parameterBytes())));
        r.row("Load time", m.loadTime().toMillis() + " ms");
        if (!m.synset().isEmpty()) r.row("Classes", m.synset().size() + ": " + preview(m.synset()));
        r.note("Bound to variable " + name + " (LoadedModel): " + (m.translatorKind() == TranslatorKind.IMAGE_CLASSIFICATION
                ? name + ".classify(image)" : name + ".predict(ndlist)") + ", " + name + ".model(), " + name + ".predictor()");
        r.data(m);
        return r;
    }

    static long[] shape(String text) throws MagicException {
        try {
            long[] dims = java.util.Arrays.stream(text.split("[,x]")).map(String::strip).filter(w -> !w.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            if (dims.length == 0 || java.util.Arrays.stream(dims).anyMatch(d -> d <= 0)) throw new NumberFormatException();
            return dims;
        } catch (NumberFormatException e) {
            throw new MagicException("--input-shape " + text + ": positive whole numbers separated by commas, e.g. 1,3,224,224");
        }
    }

    /**
     * A relative {@code my_model.py:Net} is looked for beside the weights, then in the notebook's folder, and passed
     * on absolute (the converter runs elsewhere); a module path passes as is.
     */
    static String archPath(String arch, String weights, MagicContext ctx) throws MagicException {
        Path file = StateDictConverter.archFile(arch);
        if (file == null || file.isAbsolute()) return arch;
        String rest = arch.substring(file.toString().length());
        Path w = Path.of(weights);
        Path besideWeights = (w.isAbsolute() ? w : ModelRoot.get().resolve(w)).normalize().getParent();
        List<Path> tried = new ArrayList<>();
        if (besideWeights != null) tried.add(besideWeights.resolve(file));
        if (ctx != null && ctx.workingDirectory() != null) tried.add(ctx.workingDirectory().resolve(file));
        for (Path p : tried) if (Files.isRegularFile(p)) return p.toAbsolutePath().normalize() + rest;
        throw new MagicException("--arch " + arch + ": no file " + file + " (looked in " + tried.stream()
                .map(p -> p.getParent().toString()).toList() + ")");
    }

    /** Binds the notebook variable NAME to the stored model (a typed LoadedModel). */
    static void bind(String name, MagicContext ctx) throws MagicException {
        if (ctx == null) return;
        try {
            ctx.eval("io.djlkernel.djl.models.LoadedModel " + name + " = io.djlkernel.djl.models.ModelStore.get(\"" + name + "\");");
        } catch (Exception e) {
            throw new MagicException("loaded, but binding the variable " + name + " failed: " + e.getMessage()
                    + " (use ModelStore.get(\"" + name + "\"))");
        }
    }

    private static String preview(List<String> names) {
        List<String> head = names.subList(0, Math.min(5, names.size()));
        return String.join(", ", head) + (names.size() > 5 ? ", …" : "");
    }

    static Report info(String name) throws MagicException {
        LoadedModel m = get(name);
        Report r = new Report("Model " + name);
        r.row("Source", m.source());
        if (!m.localPath().equals(m.source())) r.row("Local copy", m.localPath());
        r.row("Format", m.format());
        m.details().forEach(r::row);
        r.row("Translator", m.translatorKind() + (m.imageSize() > 0 ? " (" + m.imageSize() + "×" + m.imageSize() + ")" : ""));
        r.row("Device", m.device());
        r.row("Inputs", m.inputs().isEmpty() ? "unknown (TorchScript does not record them)" : m.inputs().toString());
        r.row("Outputs", m.outputs().isEmpty() ? "unknown" : m.outputs().toString());
        r.row("Parameters", String.format(Locale.ROOT, "%,d", m.parameterCount()));
        r.row("Memory", size(m.parameterBytes()) + " of parameters on " + m.device());
        r.row("Load time", m.loadTime().toMillis() + " ms");
        if (!m.synset().isEmpty()) r.row("Classes", m.synset().size() + ": " + preview(m.synset()));
        r.data(m);
        return r;
    }

    static Report list() {
        Report r = new Report("Loaded models");
        List<List<String>> body = new ArrayList<>();
        for (LoadedModel m : ModelStore.all()) {
            body.add(List.of(m.name(), m.format(), m.translatorKind().toString(), m.device().toString(),
                    size(m.parameterBytes()), m.source().toString()));
        }
        if (body.isEmpty()) r.note("none: %model load NAME PATH");
        else r.table("Models", List.of("name", "format", "translator", "device", "memory", "source"), body);
        r.data(ModelStore.names());
        return r;
    }

    static Report unload(String name, MagicContext ctx) throws MagicException {
        LoadedModel m = get(name);
        long bytes = m.parameterBytes();
        ModelStore.unload(name);
        if (ctx != null) {
            try {
                ctx.eval("if (" + name + " instanceof io.djlkernel.djl.models.LoadedModel) " + name + " = null;");
            } catch (Exception ignored) {
                // the variable was re-declared as something else: leave it
            }
        }
        return new Report("Unloaded " + name).row("Freed", size(bytes) + " of parameters on " + m.device());
    }

    static Report save(List<String> words, MagicContext ctx) throws MagicException {
        if (words.size() != 2) throw new MagicException("%model save NAME DIR\n" + MODEL_USAGE);
        LoadedModel m = get(words.get(0));
        Path dir = Path.of(words.get(1));
        if (!dir.isAbsolute() && ctx != null && ctx.workingDirectory() != null) dir = ctx.workingDirectory().resolve(dir);
        dir = dir.toAbsolutePath().normalize();
        try {
            Path file = save(m, dir);
            return new Report("Saved " + m.name()).row("Folder", dir).row("Model", file.getFileName() + " (" + size(Files.size(file)) + ", TorchScript)")
                    .note("load it again with: %model load " + m.name() + " " + dir + (m.translatorKind() == TranslatorKind.IMAGE_CLASSIFICATION
                            ? " --translator image-classification --size " + m.imageSize() : ""));
        } catch (IOException | ReadOnlyFileSystemException e) {
            throw saveError(dir, e);
        }
    }

    /** A read-only place (mount, permissions) gets its own message; other failures say what failed. */
    static MagicException saveError(Path dir, Exception e) {
        if (e instanceof ReadOnlyFileSystemException || e instanceof AccessDeniedException) return new MagicException(readOnly(dir));
        if (e instanceof FileSystemException fse) {
            String reason = String.valueOf(fse.getReason()).toLowerCase(Locale.ROOT);
            if (reason.contains("read-only") || reason.contains("permission")) return new MagicException(readOnly(dir));
        }
        return new MagicException("saving to " + dir + " failed: " + e.getMessage());
    }

    private static String readOnly(Path dir) {
        return "cannot write to " + dir + ": it is read-only (model mounts are read-only as a rule). Save to a "
                + "writable folder (your home or the notebook's folder), then copy it to object storage.";
    }

    /** Writes DIR/NAME.pt (TorchScript), synset.txt and serving.properties: a DJL model folder. */
    public static Path save(LoadedModel m, Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) throw new AccessDeniedException(dir.toString());
        Path file = dir.resolve(m.name() + ".pt");
        Path tmp = dir.resolve(m.name() + ".pt.part");
        if (!(m.model().getBlock() instanceof PtSymbolBlock block)) {
            throw new IOException("only TorchScript (PyTorch) models can be saved, not " + m.model().getBlock().getClass().getSimpleName());
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            JniUtils.writeModule(block, out, false); // false: no size prefix, a plain TorchScript file
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (!m.synset().isEmpty()) Files.write(dir.resolve("synset.txt"), m.synset());
        StringBuilder props = new StringBuilder("# written by %model save\nengine=PyTorch\noption.modelName=" + m.name() + "\n");
        if (m.translatorKind() == TranslatorKind.IMAGE_CLASSIFICATION) {
            props.append("translatorFactory=ai.djl.modality.cv.translator.ImageClassificationTranslatorFactory\n")
                    .append("width=").append(m.imageSize()).append("\nheight=").append(m.imageSize())
                    .append("\nresize=true\nnormalize=true\napplySoftmax=true\n");
        } else {
            props.append("translatorFactory=ai.djl.translate.NoopServingTranslatorFactory\n");
        }
        Files.writeString(dir.resolve("serving.properties"), props);
        return file;
    }

    static Report cache(List<String> words) throws MagicException {
        boolean clear = words.remove("--clear");
        if (!words.isEmpty()) throw new MagicException("%model cache [--clear]");
        Report r = new Report("Model cache");
        r.row("Folder", ModelCache.dir());
        r.row("This session", ModelCache.hits() + " hits, " + ModelCache.misses() + " copies");
        r.row("Converted state_dicts", StateDictConverter.dir().toString());
        if (clear) {
            try {
                r.row("Cleared", ModelCache.clear() + " entries, " + StateDictConverter.clear() + " converted models");
            } catch (IOException e) {
                throw new MagicException("clearing " + ModelCache.dir() + " failed: " + e.getMessage());
            }
        }
        return r;
    }

    private static LoadedModel get(String name) throws MagicException {
        return ModelStore.find(name).orElseThrow(() -> new MagicException("no model named '" + name + "' is loaded"
                + (ModelStore.names().isEmpty() ? " (none is)" : "; loaded: " + String.join(", ", ModelStore.names()))));
    }

    private static List<String> split(String args) throws MagicException {
        try {
            return new ArrayList<>(MagicArgs.split(args == null ? "" : args));
        } catch (IllegalArgumentException e) {
            throw new MagicException(e.getMessage());
        }
    }
}
