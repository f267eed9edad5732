package io.djlkernel.djl;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A "torch bridge": DJL's PyTorch JNI compiled by gpu/build-jni.sh against one installed torch, in a folder with a
 * manifest ({@value #MANIFEST}) naming that torch. DJL 0.36's own JNI only fits libtorch 2.7.1; a bridge lets the
 * kernel use whatever torch a machine carries, and only that one: a JNI loaded against another torch build
 * runs simple ops and then kills the JVM on the first changed one, so every mismatch is refused here instead.
 *
 * <p>The JNI sits at {@code pytorch/<torch>-<flavor>-linux-x86_64/<djl>-libdjl_torch.so}, where DJL's loader
 * looks inside an engine cache folder: pointing DJL's ENGINE_CACHE_DIR at the bridge makes DJL pick it.
 */
public final class TorchBridge {
    /** The folder's setting (environment variable or system property), written by {@code install --torch-bridge}. */
    public static final String SETTING = "DJL_KERNEL_TORCH_BRIDGE";
    public static final String MANIFEST = "djl-bridge.properties";

    private static final Pattern VERSION_PY = Pattern.compile("(?m)^__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern CUDA_PY = Pattern.compile("(?m)^cuda\\s*(?::[^=]*)?=\\s*(?:['\"]([^'\"]*)['\"]|None)");

    private final Path dir;
    private final String djlVersion;
    private final String torchVersion;
    private final String flavor;
    private final String cuda;
    private final String torchLib;
    private final Path jni;
    private final String built;

    private TorchBridge(Path dir, Properties p) {
        this.dir = dir;
        this.djlVersion = p.getProperty("djl.version");
        this.torchVersion = p.getProperty("torch.version");
        this.flavor = p.getProperty("torch.flavor");
        this.cuda = p.getProperty("torch.cuda", "");
        this.torchLib = p.getProperty("torch.lib", "");
        this.jni = dir.resolve(p.getProperty("jni"));
        this.built = p.getProperty("built", "?");
    }

    /** Reads a bridge folder; a missing or incomplete one is an {@link IllegalArgumentException} saying the fix. */
    public static TorchBridge load(Path dir) {
        String rebuild = " Rebuild it with gpu/build-jni.sh --out " + dir + " (see docs/gpu-verification.md).";
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(SETTING + "=" + dir + " is not a folder." + rebuild);
        }
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException("The torch bridge " + dir + " has no " + MANIFEST
                    + " (the manifest gpu/build-jni.sh writes)." + rebuild);
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + manifest + ": " + e.getMessage());
        }
        for (String key : new String[] {"djl.version", "torch.version", "torch.flavor", "jni"}) {
            if (p.getProperty(key, "").isBlank()) {
                throw new IllegalArgumentException(manifest + " lacks " + key + "." + rebuild);
            }
        }
        TorchBridge bridge = new TorchBridge(dir.toAbsolutePath(), p);
        if (!Files.isRegularFile(bridge.jni)) {
            throw new IllegalArgumentException("The torch bridge " + dir + " has no JNI library at " + bridge.jni
                    + "." + rebuild);
        }
        return bridge;
    }

    public Path dir() {
        return dir;
    }

    /** The torch this bridge was built for, as torch reports it (e.g. 2.11.0+cu130). */
    public String torchVersion() {
        return torchVersion;
    }

    public String flavor() {
        return flavor;
    }

    public Path jni() {
        return jni;
    }

    /** The torch lib folder the bridge was built against ("" when the manifest does not say). */
    public String torchLib() {
        return torchLib;
    }

    /** One line for reports: what the bridge is for and when it was built. */
    public String describe() {
        return "torch " + torchVersion + " (" + flavor + "), DJL " + djlVersion + ", built " + built + ", " + dir;
    }

    /**
     * Null when this bridge fits the torch in {@code torchLibDir} and this DJL, else what differs and the fix.
     * {@code engineCacheDir} is where DJL will look for the JNI (the bridge must be it, unless the identical JNI
     * already sits beside libtorch, where DJL looks first).
     */
    public String problem(Path torchLibDir, String runningDjlVersion, Path engineCacheDir) {
        String rebuild = " Fix: rebuild the bridge against this torch (gpu/build-jni.sh --python <its python> --out "
                + dir + "), or point " + SETTING + " at a bridge built for it.";
        if (!djlVersion.equals(runningDjlVersion)) {
            return "The torch bridge " + dir + " was built from DJL " + djlVersion + "'s sources, but the kernel runs "
                    + "DJL " + runningDjlVersion + " (their JNI declarations differ)." + rebuild;
        }
        if (!Files.isRegularFile(torchLibDir.resolve("libtorch.so"))) {
            return "The torch bridge is for torch " + torchVersion + ", but " + torchLibDir + " holds no libtorch.so."
                    + " Fix: set PYTORCH_LIBRARY_PATH to that torch's lib folder"
                    + (torchLib.isEmpty() ? "" : " (it was built against " + torchLib + ")") + ".";
        }
        String found = versionPy(torchLibDir, VERSION_PY);
        if (found == null) {
            return "The torch bridge is for torch " + torchVersion + ", but there is no torch/version.py beside "
                    + torchLibDir + " to tell which torch that is (a mismatched one would crash the kernel)."
                    + " Fix: point PYTORCH_LIBRARY_PATH at a Python package's torch/lib folder.";
        }
        if (!found.equals(torchVersion)) {
            return "The torch bridge " + dir + " is built for torch " + torchVersion + ", but " + torchLibDir
                    + " holds torch " + found + " (loading it could crash the kernel)." + rebuild;
        }
        boolean cudaLibs = Files.exists(torchLibDir.resolve("libtorch_cuda.so"));
        String foundCuda = versionPy(torchLibDir, CUDA_PY);
        boolean bridgeCuda = !"cpu".equals(flavor);
        if (bridgeCuda != cudaLibs || (bridgeCuda && foundCuda != null && !cuda.isEmpty() && !cuda.equals(foundCuda))) {
            String have = cudaLibs ? "CUDA " + (foundCuda == null ? "(version unknown)" : foundCuda) : "CPU-only";
            return "The torch bridge " + dir + " is built for torch " + torchVersion + " flavour " + flavor
                    + (cuda.isEmpty() ? "" : " (CUDA " + cuda + ")") + ", but " + torchLibDir + " holds a " + have
                    + " build of torch " + found + "." + rebuild;
        }
        Path djlJniBeside = firstExisting(torchLibDir.resolve(djlVersion + "-libdjl_torch.so"),
                torchLibDir.resolve("libdjl_torch.so"));
        if (djlJniBeside != null && !sameBytes(djlJniBeside, jni)) {
            return "DJL would load " + djlJniBeside + " (beside libtorch, where it looks first) instead of the torch "
                    + "bridge's JNI " + jni + ". Fix: remove or replace that file with the bridge's.";
        }
        if (djlJniBeside == null && !engineCacheDir.toAbsolutePath().normalize().equals(dir.resolve("pytorch")
                .normalize())) {
            return "ENGINE_CACHE_DIR is set to " + engineCacheDir.getParent() + " in the kernel's environment, so DJL "
                    + "would not look for the torch bridge's JNI in " + dir + ". Fix: unset ENGINE_CACHE_DIR for the "
                    + "kernel, or copy " + jni + " to " + torchLibDir.resolve(djlVersion + "-libdjl_torch.so") + ".";
        }
        return null;
    }

    /**
     * The DJL settings that make DJL load this bridge: PYTORCH_VERSION and PYTORCH_FLAVOR name the JNI's folder,
     * ENGINE_CACHE_DIR is the bridge, PYTORCH_LIBRARY_PATH the torch it was built against.
     */
    public Map<String, String> djlSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        if (!torchLib.isEmpty()) s.put("PYTORCH_LIBRARY_PATH", torchLib);
        s.put("PYTORCH_VERSION", DjlEnvironment.baseVersion(torchVersion));
        s.put("PYTORCH_FLAVOR", flavor);
        s.put("ENGINE_CACHE_DIR", dir.toString());
        return s;
    }

    private static String versionPy(Path libDir, Pattern pattern) {
        Path parent = libDir.toAbsolutePath().getParent();
        if (parent == null || !Files.isRegularFile(parent.resolve("version.py"))) return null;
        try {
            Matcher m = pattern.matcher(Files.readString(parent.resolve("version.py"), StandardCharsets.UTF_8));
            return m.find() ? (m.group(1) == null ? "" : m.group(1)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Path firstExisting(Path... paths) {
        for (Path p : paths) {
            if (Files.exists(p)) return p;
        }
        return null;
    }

    private static boolean sameBytes(Path a, Path b) {
        try {
            return Files.isSameFile(a, b) || Files.mismatch(a, b) == -1L;
        } catch (IOException e) {
            return false;
        }
    }
}
