package io.djlkernel.djl.models;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.djlkernel.djl.training.ProgressBar;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A PyTorch state_dict to TorchScript with the machine's own Python, torch and torchvision (the PyTorch image has
 * them; DJL cannot rebuild a model's code from weights): runs our {@code state_dict_to_torchscript.py} as a
 * subprocess, shows its stages as a progress bar, and keeps the result in a cache beside the model cache keyed by
 * the weights' path, size and modification time and the architecture's arguments, so a second load skips Python.
 */
public final class StateDictConverter {
    public static final String PYTHON_ENV = "DJL_KERNEL_PYTHON";
    static final String SCRIPT = "state_dict_to_torchscript.py";
    static final Duration TIMEOUT = Duration.ofMinutes(20);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(120);
    private static final int STDERR_LINES = 25;
    private static volatile String foundPython;

    private StateDictConverter() {
    }

    /**
     * What to rebuild the model with.
     *
     * @param arch       {@code torchvision.models.resnet50} or {@code /abs/path/my_model.py:Net}
     * @param archArgs   keyword arguments as Python literals, {@code num_classes=10,dropout=0.2}; "" for none
     * @param inputShape the random input for tracing and for the eager-vs-TorchScript check
     * @param python     the interpreter; null: {@value #PYTHON_ENV}, else python3 on PATH with torch, else /usr/bin/python3
     */
    public record Spec(String arch, String archArgs, long[] inputShape, String python) {
        public Spec {
            archArgs = archArgs == null ? "" : archArgs;
            inputShape = inputShape == null ? new long[]{1, 3, 224, 224} : inputShape.clone();
        }

        String shapeText() {
            return Arrays.stream(inputShape).mapToObj(Long::toString).collect(Collectors.joining(","));
        }
    }

    /** The converted file and what the conversion found. */
    public record Result(Path torchScript, boolean cached, String method, double maxAbsDiff, long[] inputShape,
                         long[] outputShape, String python, String pythonVersion, String torch, String torchvision,
                         List<String> notes, Duration took) {
        /** The number of classes when the model gives one [N, C] tensor; -1 otherwise. */
        public int classes() {
            return outputShape != null && outputShape.length == 2 ? (int) outputShape[1] : -1;
        }

        String versions() {
            return "Python " + pythonVersion + ", torch " + torch + (torchvision == null ? "" : ", torchvision " + torchvision);
        }
    }

    /** Where converted models live: {@code converted/} beside the model cache's folder. */
    public static Path dir() {
        return ModelCache.dir().resolveSibling("converted");
    }

    public static Result convert(Path weights, Spec spec, boolean useCache) throws IOException, ModelLoadException {
        long start = System.nanoTime();
        byte[] script = script();
        Path entry = dir().resolve(key(weights, spec, script));
        Path model = entry.resolve("model.pt");
        Path info = entry.resolve("conversion.json");
        if (useCache && Files.exists(entry.resolve(".complete"))) {
            return result(model, JsonParser.parseString(Files.readString(info)).getAsJsonObject(), true,
                    Duration.ofNanos(System.nanoTime() - start));
        }
        ModelCache.deleteTree(entry);
        Files.createDirectories(entry);
        Path scriptFile = entry.resolve(SCRIPT);
        Files.write(scriptFile, script);
        String python = python(spec.python());
        List<String> command = List.of(python, "-u", scriptFile.toString(), "--weights", weights.toString(),
                "--arch", spec.arch(), "--arch-args", spec.archArgs(), "--input-shape", spec.shapeText(),
                "--out", model.toString());
        JsonObject result = run(command, weights, python);
        result.add("notes", result.has("notes") ? result.get("notes") : new JsonArray());
        Files.writeString(info, new Gson().toJson(result));
        Files.writeString(entry.resolve(".complete"), weights.toAbsolutePath() + "\n");
        return result(model, result, false, Duration.ofNanos(System.nanoTime() - start));
    }

    private static JsonObject run(List<String> command, Path weights, String python) throws IOException, ModelLoadException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PYTHONUNBUFFERED", "1");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // the architecture's file may sit on a read-only mount
        if (weights.getParent() != null) pb.directory(weights.getParent().toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ModelLoadException("cannot run " + python + " (" + e.getMessage() + "). Converting a state_dict "
                    + "needs Python with torch (and torchvision for torchvision architectures): set " + PYTHON_ENV
                    + " or --python to one, or install python3 with torch.");
        }
        ProgressBar bar = new ProgressBar().unit("stages");
        bar.reset("converting " + weights.getFileName(), 6, "with " + python);
        Deque<String> stderr = new ArrayDeque<>();
        Thread errReader = drain(p.getErrorStream(), stderr);
        List<String> notes = new ArrayList<>();
        JsonObject[] result = {null};
        String[] error = {null, null};
        Thread outReader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("@@stage ")) {
                        String[] w = line.split(" ", 4);
                        bar.update(Long.parseLong(w[1]) - 1, w.length > 3 ? w[3] : "");
                    } else if (line.startsWith("@@note ")) {
                        notes.add(line.substring(7));
                    } else if (line.startsWith("@@result ")) {
                        result[0] = JsonParser.parseString(line.substring(9)).getAsJsonObject();
                    } else if (line.startsWith("@@error ")) {
                        String[] w = line.split(" ", 3);
                        error[0] = w[1];
                        error[1] = w.length > 2 ? JsonParser.parseString(w[2]).getAsString() : "";
                    } else {
                        keep(stderr, line); // the user's architecture printed something: show it with errors
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // the process died: its exit code and stderr say why
            }
        }, "state-dict-converter-out");
        outReader.setDaemon(true);
        outReader.start();
        boolean finished = false;
        try {
            finished = p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            outReader.join(5000);
            errReader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelLoadException("converting " + weights.getFileName() + " was interrupted");
        } finally {
            if (!finished) p.destroyForcibly(); // also when the cell is stopped: no orphan Python keeps running
        }
        if (!finished) {
            throw new ModelLoadException("converting " + weights.getFileName() + " took over " + TIMEOUT.toMinutes()
                    + " minutes with " + python + " and was stopped." + tail(stderr));
        }
        if (error[0] != null) {
            bar.update(bar.progress(), "failed");
            throw new ModelLoadException(error[1] + (error[0].equals("keys") || error[0].equals("no-torch") ? "" : tail(stderr))
                    + "\n(converter: " + python + ")");
        }
        if (p.exitValue() != 0 || result[0] == null) {
            bar.update(bar.progress(), "failed");
            int code = p.exitValue();
            throw new ModelLoadException("converting " + weights.getFileName() + " with " + python + " failed (exit "
                    + code + (code == 137 || code == 9 ? ": killed, often for lack of memory" : "") + ")." + tail(stderr));
        }
        bar.update(6, result[0].get("method").getAsString() + " · max abs diff " + result[0].get("max_abs_diff").getAsDouble());
        bar.end();
        JsonArray n = new JsonArray();
        notes.forEach(n::add);
        result[0].add("notes", n);
        return result[0];
    }

    private static Thread drain(InputStream in, Deque<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) keep(lines, line);
            } catch (IOException ignored) {
                // closed with the process
            }
        }, "state-dict-converter-err");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void keep(Deque<String> lines, String line) {
        synchronized (lines) {
            lines.addLast(line);
            while (lines.size() > STDERR_LINES) lines.removeFirst();
        }
    }

    private static String tail(Deque<String> lines) {
        synchronized (lines) {
            if (lines.isEmpty()) return "";
            return "\nIts stderr (last " + lines.size() + " lines):\n" + String.join("\n", lines);
        }
    }

    private static Result result(Path model, JsonObject o, boolean cached, Duration took) {
        List<String> notes = new ArrayList<>();
        if (o.has("notes")) for (JsonElement e : o.getAsJsonArray("notes")) notes.add(e.getAsString());
        return new Result(model, cached, o.get("method").getAsString(), o.get("max_abs_diff").getAsDouble(),
                longs(o.getAsJsonArray("input_shape")), longs(o.getAsJsonArray("output_shape")),
                o.get("python").getAsString(), o.get("python_version").getAsString(), o.get("torch").getAsString(),
                o.has("torchvision") && !o.get("torchvision").isJsonNull() ? o.get("torchvision").getAsString() : null,
                List.copyOf(notes), took);
    }

    private static long[] longs(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
        return out;
    }

    static byte[] script() throws IOException {
        try (InputStream in = StateDictConverter.class.getResourceAsStream(SCRIPT)) {
            if (in == null) throw new IOException(SCRIPT + " is missing from the extension's jar");
            return in.readAllBytes();
        }
    }

    /**
     * The weights' path, size and mtime, the architecture (and its file's size and mtime when it is a file), its
     * arguments, the input shape, and our script (a fixed converter converts again).
     */
    static String key(Path weights, Spec spec, byte[] script) throws IOException {
        StringBuilder id = new StringBuilder();
        id.append(weights.toAbsolutePath().normalize()).append('|').append(Files.size(weights)).append('|')
                .append(Files.getLastModifiedTime(weights).toMillis()).append('|').append(spec.arch()).append('|')
                .append(spec.archArgs()).append('|').append(spec.shapeText());
        Path archFile = archFile(spec.arch());
        if (archFile != null && Files.isRegularFile(archFile)) {
            id.append('|').append(Files.size(archFile)).append('|').append(Files.getLastModifiedTime(archFile).toMillis());
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(script);
            return HexFormat.of().formatHex(d.digest(id.toString().getBytes(StandardCharsets.UTF_8)), 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file of a {@code file.py:Class} architecture; null for a module path. */
    static Path archFile(String arch) {
        int i = arch.lastIndexOf(".py:");
        if (i >= 0) return Path.of(arch.substring(0, i + 3));
        return arch.endsWith(".py") ? Path.of(arch) : null;
    }

    /**
     * The interpreter: the one asked for (--python, else {@value #PYTHON_ENV}) as is; else the first of python3 on
     * PATH and /usr/bin/python3 that imports torch (remembered for the session).
     */
    public static String python(String asked) throws ModelLoadException {
        if (asked != null && !asked.isBlank()) return asked;
        String env = System.getenv(PYTHON_ENV);
        if (env == null || env.isBlank()) env = System.getProperty(PYTHON_ENV);
        if (env != null && !env.isBlank()) return env;
        String known = foundPython;
        if (known != null) return known;
        Set<String> candidates = new LinkedHashSet<>();
        Path onPath = onPath("python3");
        if (onPath != null) candidates.add(onPath.toString());
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) candidates.add("/usr/bin/python3");
        if (candidates.isEmpty()) {
            throw new ModelLoadException("no Python here (no python3 on PATH, no /usr/bin/python3): converting a "
                    + "state_dict needs Python with torch and torchvision. Install them (apt install python3-torch "
                    + "python3-torchvision, or conda/pip install torch torchvision) or set " + PYTHON_ENV + ".");
        }
        List<String> tried = new ArrayList<>();
        for (String c : candidates) {
            String why = probe(c);
            if (why == null) {
                foundPython = c;
                return c;
            }
            tried.add(c + " (" + why + ")");
        }
        throw new ModelLoadException("no Python with torch here: tried " + String.join(", ", tried) + ". Converting "
                + "a state_dict needs torch (and torchvision for torchvision architectures): pip install torch "
                + "torchvision, conda install pytorch torchvision, or apt install python3-torch python3-torchvision; "
                + "or set " + PYTHON_ENV + " to a Python that has them.");
    }

    /** Null when {@code python} imports torch, else why not. */
    static String probe(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "import torch took over " + PROBE_TIMEOUT.toSeconds() + " s";
            }
            if (p.exitValue() == 0) return null;
            String text = new String(out, StandardCharsets.UTF_8).strip();
            String last = text.isEmpty() ? "exit " + p.exitValue() : text.substring(text.lastIndexOf('\n') + 1);
            return last.toLowerCase(Locale.ROOT).contains("no module named") ? "no torch" : last;
        } catch (IOException e) {
            return "cannot run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static Path onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Forgets the interpreter found (tests; a Python installed while the kernel runs). */
    static void forgetPython() {
        foundPython = null;
    }

    /** Deletes every converted model; returns how many. */
    public static int clear() throws IOException {
        Path d = dir();
        if (!Files.isDirectory(d)) return 0;
        int n = 0;
        try (var entries = Files.list(d)) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                ModelCache.deleteTree(e);
                n++;
            }
        }
        return n;
    }
}
