package io.djlkernel.djl;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The torch bridge check with fake folders laid out like gpu/build-jni.sh's output and a pip torch's package
 * (torch/version.py beside torch/lib): the kernel accepts a bridge only for the exact torch it was built for.
 */
class TorchBridgeTest {
    private static final List<String> SETTINGS = List.of(TorchBridge.SETTING, "PYTORCH_LIBRARY_PATH",
            "PYTORCH_VERSION", "PYTORCH_FLAVOR", "ENGINE_CACHE_DIR");
    private static final String DJL = Engine.getDjlVersion();

    @TempDir
    Path tmp;

    @AfterEach
    void clearSettings() {
        SETTINGS.forEach(System::clearProperty);
    }

    /** site-packages/torch/{version.py, lib/libtorch.so[, libtorch_cuda.so]} as pip installs it. */
    private Path torch(String version, String cuda) throws IOException {
        Path pkg = Files.createDirectories(tmp.resolve("site-" + version.replace('+', '_') + "/torch"));
        Files.writeString(pkg.resolve("version.py"), "from typing import Optional\n__version__ = '" + version
                + "'\ndebug = False\ncuda: Optional[str] = " + (cuda == null ? "None" : "'" + cuda + "'") + "\n");
        Path lib = Files.createDirectories(pkg.resolve("lib"));
        Files.writeString(lib.resolve("libtorch.so"), "fake");
        if (cuda != null) Files.writeString(lib.resolve("libtorch_cuda.so"), "fake");
        return lib;
    }

    private Path bridge(String djl, String version, String flavor, String cuda, Path torchLib) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bridge-" + version.replace('+', '_') + "-" + djl));
        String jni = "pytorch/" + DjlEnvironment.baseVersion(version) + "-" + flavor + "-linux-x86_64/" + djl
                + "-libdjl_torch.so";
        Files.createDirectories(dir.resolve(jni).getParent());
        Files.writeString(dir.resolve(jni), "jni built for " + version);
        Files.writeString(dir.resolve(TorchBridge.MANIFEST), "djl.version=" + djl + "\ntorch.version=" + version
                + "\ntorch.flavor=" + flavor + "\ntorch.cuda=" + cuda + "\ntorch.lib=" + torchLib + "\njni=" + jni
                + "\nbuilt=2026-12-05T08:00:00Z\n");
        return dir;
    }

    @Test
    void aBridgeForExactlyThisTorchIsAcceptedAndSetsDjlUp() throws IOException {
        Path lib = torch("2.11.0+cu130", "13.0");
        Path dir = bridge(DJL, "2.11.0+cu130", "cu130", "13.0", lib);
        TorchBridge b = TorchBridge.load(dir);
        assertNull(b.problem(lib, DJL, dir.resolve("pytorch")));
        assertEquals(Map.of("PYTORCH_LIBRARY_PATH", lib.toString(), "PYTORCH_VERSION", "2.11.0",
                "PYTORCH_FLAVOR", "cu130", "ENGINE_CACHE_DIR", dir.toString()), b.djlSettings());
        // DJL looks for <cache>/pytorch/<PYTORCH_VERSION>-<PYTORCH_FLAVOR>-linux-x86_64/<djl>-libdjl_torch.so
        assertEquals(dir.resolve("pytorch").resolve("2.11.0-cu130-linux-x86_64").resolve(DJL + "-libdjl_torch.so"),
                b.jni());
    }

    @Test
    void anotherTorchVersionIsRefusedWithBothVersionsAndTheFix() throws IOException {
        Path built = torch("2.11.0+cu130", "13.0");
        Path other = torch("2.10.0+cu130", "13.0");
        TorchBridge b = TorchBridge.load(bridge(DJL, "2.11.0+cu130", "cu130", "13.0", built));
        String problem = b.problem(other, DJL, b.dir().resolve("pytorch"));
        assertTrue(problem.contains("built for torch 2.11.0+cu130") && problem.contains("holds torch 2.10.0+cu130"),
                problem);
        assertTrue(problem.contains("gpu/build-jni.sh"), problem);
    }

    @Test
    void anotherCudaFlavourOfTheSameVersionIsRefused() throws IOException {
        TorchBridge cudaBridge = TorchBridge.load(bridge(DJL, "2.11.0", "cu130", "13.0", torch("2.11.0", "13.0")));
        Path cpuTorch = tmp.resolve("cpu");
        Files.createDirectories(cpuTorch.resolve("torch/lib"));
        Files.writeString(cpuTorch.resolve("torch/version.py"), "__version__ = '2.11.0'\ncuda = None\n");
        Files.writeString(cpuTorch.resolve("torch/lib/libtorch.so"), "fake");
        String problem = cudaBridge.problem(cpuTorch.resolve("torch/lib"), DJL, cudaBridge.dir().resolve("pytorch"));
        assertTrue(problem.contains("flavour cu130") && problem.contains("CPU-only build of torch 2.11.0"), problem);

        Path cu128 = tmp.resolve("cu128");
        Files.createDirectories(cu128.resolve("torch/lib"));
        Files.writeString(cu128.resolve("torch/version.py"), "__version__ = '2.11.0'\ncuda = '12.8'\n");
        Files.writeString(cu128.resolve("torch/lib/libtorch.so"), "fake");
        Files.writeString(cu128.resolve("torch/lib/libtorch_cuda.so"), "fake");
        problem = cudaBridge.problem(cu128.resolve("torch/lib"), DJL, cudaBridge.dir().resolve("pytorch"));
        assertTrue(problem.contains("(CUDA 13.0)") && problem.contains("holds a CUDA 12.8 build"), problem);
    }

    @Test
    void aBridgeFromOtherDjlSourcesIsRefused() throws IOException {
        Path lib = torch("2.11.0+cu130", "13.0");
        TorchBridge b = TorchBridge.load(bridge("0.35.0", "2.11.0+cu130", "cu130", "13.0", lib));
        String problem = b.problem(lib, DJL, b.dir().resolve("pytorch"));
        assertTrue(problem.contains("DJL 0.35.0's sources") && problem.contains("runs DJL " + DJL), problem);
    }

    @Test
    void brokenBridgeFoldersSayWhatIsMissing() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        var e = assertThrows(IllegalArgumentException.class, () -> TorchBridge.load(empty));
        assertTrue(e.getMessage().contains("has no " + TorchBridge.MANIFEST), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TorchBridge.load(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
        Path dir = bridge(DJL, "2.11.0+cu130", "cu130", "13.0", torch("2.11.0+cu130", "13.0"));
        Files.delete(TorchBridge.load(dir).jni());
        e = assertThrows(IllegalArgumentException.class, () -> TorchBridge.load(dir));
        assertTrue(e.getMessage().contains("has no JNI library"), e.getMessage());
    }

    @Test
    void aDifferentJniBesideLibtorchWouldWinAndIsRefused() throws IOException {
        Path lib = torch("2.11.0+cu130", "13.0");
        TorchBridge b = TorchBridge.load(bridge(DJL, "2.11.0+cu130", "cu130", "13.0", lib));
        Files.writeString(lib.resolve(DJL + "-libdjl_torch.so"), "DJL's own 2.7.1 JNI");
        String problem = b.problem(lib, DJL, b.dir().resolve("pytorch"));
        assertTrue(problem.contains("DJL would load " + lib.resolve(DJL + "-libdjl_torch.so")), problem);
        // the image's way: the bridge's own JNI copied beside libtorch is fine, whatever ENGINE_CACHE_DIR says
        Files.copy(b.jni(), lib.resolve(DJL + "-libdjl_torch.so"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNull(b.problem(lib, DJL, tmp.resolve("elsewhere/pytorch")));
    }

    @Test
    void anEngineCacheDirElsewhereHidesTheBridgeAndIsRefused() throws IOException {
        Path lib = torch("2.11.0+cu130", "13.0");
        TorchBridge b = TorchBridge.load(bridge(DJL, "2.11.0+cu130", "cu130", "13.0", lib));
        String problem = b.problem(lib, DJL, tmp.resolve("cache/pytorch"));
        assertTrue(problem.contains("ENGINE_CACHE_DIR is set to " + tmp.resolve("cache")), problem);
    }

    @Test
    void theKernelsNativeCheckUsesTheBridgeInsteadOfThe271Rule() throws IOException {
        Path lib = torch("2.11.0+cu130", "13.0");
        Path dir = bridge(DJL, "2.11.0+cu130", "cu130", "13.0", lib);
        // without a bridge, torch 2.11 is refused by the 2.7.1 guard
        System.setProperty("PYTORCH_LIBRARY_PATH", lib.toString());
        String guard = DjlEnvironment.nativeProblem();
        assertTrue(guard != null && guard.contains("holds torch 2.11.0+cu130"), guard);
        System.clearProperty("PYTORCH_LIBRARY_PATH");

        System.setProperty(TorchBridge.SETTING, dir.toString());
        DjlEnvironment.applyDefaults();
        assertEquals("2.11.0", System.getProperty("PYTORCH_VERSION"));
        assertEquals("cu130", System.getProperty("PYTORCH_FLAVOR"));
        assertEquals(lib.toString(), System.getProperty("PYTORCH_LIBRARY_PATH"));
        assertNull(DjlEnvironment.nativeProblem());
        assertEquals("2.11.0+cu130", DjlEnvironment.torchVersion());

        // a user setting that contradicts the bridge is named, not silently used
        System.setProperty("PYTORCH_VERSION", "2.7.1");
        String problem = DjlEnvironment.nativeProblem();
        assertTrue(problem.contains("PYTORCH_VERSION=2.7.1 but the torch bridge"), problem);
        System.setProperty("PYTORCH_VERSION", "2.11.0");
        // the bridge pointed at another torch through PYTORCH_LIBRARY_PATH
        System.setProperty("PYTORCH_LIBRARY_PATH", torch("2.10.0+cu130", "13.0").toString());
        problem = DjlEnvironment.nativeProblem();
        assertTrue(problem.contains("holds torch 2.10.0+cu130"), problem);
    }

    @Test
    void theManifestBuildJniShWritesIsTheOneTheKernelReads() throws Exception {
        Path script = Path.of("../../gpu/build-jni.sh").toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(script), "gpu/build-jni.sh not found");
        Path lib = torch("2.11.0+cu130", "13.0");
        Path so = Files.writeString(tmp.resolve("libdjl_torch.so"), "a JNI");
        Path out = tmp.resolve("built-bridge");
        Process p = new ProcessBuilder("bash", script.toString(), "--torch-include", tmp.toString(), "--torch-lib",
                lib.toString(), "--torch-version", "2.11.0+cu130", "--prebuilt", so.toString(), "--out", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        TorchBridge b = TorchBridge.load(out);
        assertEquals("2.11.0+cu130", b.torchVersion());
        assertEquals("cu130", b.flavor());
        assertEquals(lib.toRealPath().toString(), b.torchLib());
        assertNull(b.problem(lib, DJL, out.resolve("pytorch")));
        assertTrue(b.problem(torch("2.10.0+cu130", "13.0"), DJL, out.resolve("pytorch")).contains("holds torch 2.10.0"));
    }
}
