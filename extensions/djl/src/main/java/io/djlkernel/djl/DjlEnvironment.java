package io.djlkernel.djl;

import ai.djl.engine.Engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DJL's settings and native libraries: offline defaults applied before DJL loads, a check of the natives that
 * turns a missing or mismatched libtorch into one clear message (a mismatched libtorch would otherwise kill
 * the JVM on the first changed op), and the engine load itself, done once.
 */
public final class DjlEnvironment {
    /** The libtorch version DJL 0.36's JNI (pytorch-jni 2.7.1-0.36.0) is built for. */
    public static final String TORCH_VERSION = "2.7.1";
    public static final String ENGINE = "PyTorch";

    private static final Pattern VERSION_PY = Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final Object LOCK = new Object();
    private static volatile Engine engine;
    private static volatile String failure;
    private static volatile long loadMillis = -1;
    private static volatile TorchBridge bridge;

    private DjlEnvironment() {
    }

    /** DJL_OFFLINE and OPT_OUT_TRACKING default to true; the user's environment or -D settings win. */
    public static void applyDefaults() {
        if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        String bridgeDir = setting(TorchBridge.SETTING);
        bridge = null;
        if (bridgeDir != null && !bridgeDir.isBlank()) {
            try {
                TorchBridge b = TorchBridge.load(Path.of(bridgeDir));
                // the user's own settings win; nativeProblem() then says if they contradict the bridge
                b.djlSettings().forEach((k, v) -> {
                    if (setting(k) == null) System.setProperty(k, v);
                });
                bridge = b;
            } catch (IllegalArgumentException e) {
                // nativeProblem() reports it before anything loads
            }
        }
        String libraryPath = setting("PYTORCH_LIBRARY_PATH");
        if (libraryPath != null && !libraryPath.isBlank()) {
            Path dir = Path.of(libraryPath);
            if (setting("PYTORCH_FLAVOR") == null) {
                // without a flavor DJL looks for "cpu-precxx11", which 0.36 does not ship
                boolean cuda = Files.exists(dir.resolve("libtorch_cuda.so"));
                System.setProperty("PYTORCH_FLAVOR", cuda ? "cu128" : "cpu");
            }
            if (setting("PYTORCH_VERSION") == null) System.setProperty("PYTORCH_VERSION", TORCH_VERSION);
        }
    }

    /** An environment variable, else a system property of the same name (DJL's order). */
    public static String setting(String name) {
        String value = System.getenv(name);
        return value != null ? value : System.getProperty(name);
    }

    public static boolean isOffline() {
        String env = System.getenv("DJL_OFFLINE");
        if (env != null) return Boolean.parseBoolean(env);
        String prop = System.getProperty("ai.djl.offline");
        return prop != null ? Boolean.parseBoolean(prop) : Boolean.getBoolean("offline");
    }

    /** Null when the natives look usable, else what is wrong and how to fix it (checked before loading anything). */
    public static String nativeProblem() {
        String bridgeDir = setting(TorchBridge.SETTING);
        if (bridgeDir != null && !bridgeDir.isBlank()) return bridgeProblem(Path.of(bridgeDir));
        String libraryPath = setting("PYTORCH_LIBRARY_PATH");
        String version = setting("PYTORCH_VERSION");
        if (version != null && !version.equals(TORCH_VERSION)) {
            return "PYTORCH_VERSION=" + version + " but DJL 0.36's JNI is built for libtorch " + TORCH_VERSION
                    + ". Fix: set PYTORCH_VERSION=" + TORCH_VERSION + " (no '+cpu'/'+cu128' suffix) and point "
                    + "PYTORCH_LIBRARY_PATH at torch " + TORCH_VERSION + "'s lib folder.";
        }
        if (libraryPath != null && !libraryPath.isBlank()) {
            Path dir = Path.of(libraryPath);
            if (!Files.isDirectory(dir)) {
                return "PYTORCH_LIBRARY_PATH=" + libraryPath + " is not a folder. Fix: point it at torch "
                        + TORCH_VERSION + "'s lib folder (holding libtorch.so), or unset it to use the bundled CPU natives.";
            }
            if (!Files.exists(dir.resolve("libtorch.so")) && !Files.exists(dir.resolve("libtorch_cpu.so"))) {
                return "PYTORCH_LIBRARY_PATH=" + libraryPath + " holds no libtorch.so. Fix: point it at torch "
                        + TORCH_VERSION + "'s lib folder, or unset it to use the bundled CPU natives.";
            }
            String found = torchVersionNear(dir);
            if (found != null && !baseVersion(found).equals(TORCH_VERSION)) {
                return "PYTORCH_LIBRARY_PATH=" + libraryPath + " holds torch " + found + ", but DJL 0.36's JNI is "
                        + "built for libtorch " + TORCH_VERSION + " (loading it could crash the kernel). Fix: point "
                        + "PYTORCH_LIBRARY_PATH at a torch " + TORCH_VERSION + " lib folder, or unset it (and "
                        + "PYTORCH_VERSION/PYTORCH_FLAVOR) to use the bundled CPU natives.";
            }
            return null;
        }
        Properties bundled = bundledNatives();
        if (bundled != null) {
            String v = bundled.getProperty("version", "");
            if (!baseVersion(v).equals(TORCH_VERSION)) {
                return "The bundled PyTorch natives are version " + v + ", but DJL 0.36's JNI is built for "
                        + TORCH_VERSION + ". Fix: use ai.djl.pytorch:pytorch-native-cpu:" + TORCH_VERSION
                        + ":linux-x86_64 in the kernel's lib/ folder.";
            }
            return null;
        }
        if (hasExtractedNatives()) return null;
        return missingNativesMessage();
    }

    /** A torch bridge replaces the 2.7.1 rule: its JNI fits exactly the torch its manifest names. */
    static String bridgeProblem(Path dir) {
        TorchBridge b;
        try {
            b = TorchBridge.load(dir);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        String libraryPath = setting("PYTORCH_LIBRARY_PATH");
        if (libraryPath == null || libraryPath.isBlank()) {
            if (b.torchLib().isEmpty()) {
                return "The torch bridge " + dir + " does not say which torch it was built against. Fix: set "
                        + "PYTORCH_LIBRARY_PATH to torch " + b.torchVersion() + "'s lib folder.";
            }
            libraryPath = b.torchLib();
        }
        String version = setting("PYTORCH_VERSION");
        if (version != null && !version.equals(baseVersion(b.torchVersion()))) {
            return "PYTORCH_VERSION=" + version + " but the torch bridge " + dir + " is built for torch "
                    + b.torchVersion() + ". Fix: unset PYTORCH_VERSION (the bridge sets it) or set it to "
                    + baseVersion(b.torchVersion()) + ".";
        }
        String flavor = setting("PYTORCH_FLAVOR");
        if (flavor != null && !flavor.equals(b.flavor())) {
            return "PYTORCH_FLAVOR=" + flavor + " but the torch bridge " + dir + " is built for flavour " + b.flavor()
                    + ". Fix: unset PYTORCH_FLAVOR (the bridge sets it).";
        }
        return b.problem(Path.of(libraryPath), Engine.getDjlVersion(), engineCacheDir());
    }

    /** The bridge in use, or null (DJL's own JNI for libtorch {@value #TORCH_VERSION}). */
    public static TorchBridge bridge() {
        return bridge;
    }

    /** The libtorch version the JNI in use is built for: the bridge's torch, else {@value #TORCH_VERSION}. */
    public static String torchVersion() {
        TorchBridge b = bridge;
        return b != null ? b.torchVersion() : TORCH_VERSION;
    }

    static String missingNativesMessage() {
        return "PyTorch native libraries not found (and DJL is offline, so it will not download them). Fix: keep "
                + "lib/pytorch-native-cpu-" + TORCH_VERSION + "-linux-x86_64.jar next to djl-kernel.jar (the build "
                + "puts it in kernel/target/lib), or set PYTORCH_LIBRARY_PATH to a torch " + TORCH_VERSION
                + " lib folder with PYTORCH_VERSION=" + TORCH_VERSION + " and PYTORCH_FLAVOR=cpu or cu128.";
    }

    /** native/lib/pytorch.properties of the pytorch-native-* jar on the class path, or null. */
    public static Properties bundledNatives() {
        try (InputStream in = DjlEnvironment.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            if (in == null) return null;
            Properties p = new Properties();
            p.load(in);
            return p;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean hasExtractedNatives() {
        Path cache = engineCacheDir();
        try (var entries = Files.list(cache)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith(TORCH_VERSION + "-")
                    && Files.exists(p.resolve("libtorch.so")));
        } catch (IOException e) {
            return false;
        }
    }

    static Path engineCacheDir() {
        String dir = setting("ENGINE_CACHE_DIR");
        if (dir == null) {
            String djl = setting("DJL_CACHE_DIR");
            dir = djl != null ? djl : Path.of(System.getProperty("user.home"), ".djl.ai").toString();
        }
        return Path.of(dir, "pytorch");
    }

    /** torch's version.py next to a site-packages torch/lib folder, if there is one. */
    static String torchVersionNear(Path libDir) {
        Path versionPy = libDir.toAbsolutePath().getParent() == null ? null
                : libDir.toAbsolutePath().getParent().resolve("version.py");
        if (versionPy == null || !Files.isRegularFile(versionPy)) return null;
        try {
            Matcher m = VERSION_PY.matcher(Files.readString(versionPy, StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String baseVersion(String version) {
        int plus = version.indexOf('+');
        String v = plus >= 0 ? version.substring(0, plus) : version;
        int dash = v.indexOf('-');
        return dash >= 0 ? v.substring(0, dash) : v;
    }

    /** Whether the engine is already loaded (never loads it). */
    public static boolean isLoaded() {
        return engine != null;
    }

    /** Milliseconds the engine load took, or -1 before it. */
    public static long loadMillis() {
        return loadMillis;
    }

    /** The PyTorch engine, loaded on first call; a missing or mismatched native is a {@link DjlUnavailableException}. */
    public static Engine engine() {
        Engine e = engine;
        if (e != null) return e;
        synchronized (LOCK) {
            if (engine != null) return engine;
            if (failure != null) throw new DjlUnavailableException(failure);
            applyDefaults();
            String problem = nativeProblem();
            if (problem != null) {
                failure = problem;
                throw new DjlUnavailableException(problem);
            }
            long start = System.nanoTime();
            try {
                engine = Engine.getEngine(ENGINE);
                engine.getDevices(); // device discovery is part of the load
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError)) throw (VirtualMachineError) t;
                failure = "The PyTorch engine failed to load: " + rootMessage(t) + ". " + missingNativesMessage();
                throw new DjlUnavailableException(failure, t);
            }
            loadMillis = (System.nanoTime() - start) / 1_000_000;
            return engine;
        }
    }

    /** Why the engine cannot load, or null (loaded, or not tried yet). */
    public static String failure() {
        return failure;
    }

    static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Throwable c = t;
        int depth = 0;
        while (c != null && depth++ < 6) {
            if (sb.length() > 0) sb.append(" <- ");
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
            if (c.getCause() == c) break;
            c = c.getCause();
        }
        return sb.toString();
    }

    /** Thrown instead of a native crash or a stack trace when DJL cannot run here; its message says the fix. */
    public static final class DjlUnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public DjlUnavailableException(String message) {
            super(message);
        }

        public DjlUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
