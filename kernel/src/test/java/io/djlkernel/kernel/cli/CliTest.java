package io.djlkernel.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line in-process: a fake jar, no AppCDS training (KernelInstallIT covers the real jar). */
class CliTest {
    @TempDir
    Path tmp;

    Path jar;
    Path home;
    final Map<String, String> env = new HashMap<>();
    String out;
    String err;

    @BeforeEach
    void setUp() throws Exception {
        jar = Files.writeString(tmp.resolve("djl-kernel.jar"), "not really a jar");
        home = Files.createDirectories(tmp.resolve("home"));
    }

    int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        var cl = Main.newCommandLine(env, home.toString());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute(args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    /** install with the fake jar and without the training run, plus the given arguments. */
    int install(String... args) {
        List<String> all = new ArrayList<>(List.of("install", "--no-cds", "--jar", jar.toString()));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    static JsonObject readSpec(Path kernelDir) throws Exception {
        return new Gson().fromJson(Files.readString(kernelDir.resolve("kernel.json")), JsonObject.class);
    }

    static List<String> strings(JsonArray array) {
        List<String> list = new ArrayList<>();
        for (JsonElement e : array) list.add(e.getAsString());
        return list;
    }

    @Test
    void installWritesKernelJsonThatRunsThisJavaAndJar() throws Exception {
        Path prefix = tmp.resolve("prefix");
        assertEquals(0, install("--prefix", prefix.toString()), err);

        Path dir = prefix.resolve("share/jupyter/kernels/java");
        JsonObject spec = readSpec(dir);
        List<String> argv = strings(spec.getAsJsonArray("argv"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath();
        assertEquals(java.toString(), argv.get(0), "the installing JVM's java");
        assertTrue(Path.of(argv.get(0)).isAbsolute());
        assertEquals(List.of("-jar", jar.toAbsolutePath().toString(), "run", "{connection_file}"),
                argv.subList(argv.size() - 4, argv.size()));
        assertTrue(argv.containsAll(InstallCommand.DEFAULT_JVM_OPTS), argv.toString());
        assertFalse(argv.stream().anyMatch(a -> a.contains("SharedArchiveFile")), "no archive with --no-cds");
        assertEquals("Java (DJL)", spec.get("display_name").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        assertEquals(0, spec.getAsJsonObject("env").size());
        assertTrue(out.contains(dir.toString()), "says where it installed: " + out);
        assertEquals("", err);
    }

    @Test
    void compilerDirectivesKeepC2OffTheKernelsMachineryUnlessFullJit() throws Exception {
        Path prefix = tmp.resolve("jit");
        assertEquals(0, install("--prefix", prefix.toString(), "--jit", "split"), err);
        Path dir = prefix.resolve("share/jupyter/kernels/java");
        List<String> argv = strings(readSpec(dir).getAsJsonArray("argv"));
        Path file = dir.resolve(JitDirectives.FILE_NAME);
        assertTrue(argv.contains("-XX:CompilerDirectivesFile=" + file), argv.toString());
        assertTrue(argv.indexOf("-XX:+UnlockDiagnosticVMOptions") < argv.indexOf("-XX:CompilerDirectivesFile=" + file));
        assertTrue(Files.readString(file).contains("com/sun/tools/*.*"), "javac is kept on C1");
        // the JVM refuses to start with a directives file it cannot read: this one it takes
        List<String> cmd = new ArrayList<>(argv.subList(0, argv.indexOf("-jar")));
        cmd.add("-version");
        Process java = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());
        assertEquals(0, java.waitFor(), output);
        assertFalse(output.contains("directives added"), "HotSpot's announcement stays out of the kernel's output: " + output);

        Path full = tmp.resolve("full");
        assertEquals(0, install("--prefix", full.toString(), "--jit", "full"), err);
        Path fullDir = full.resolve("share/jupyter/kernels/java");
        assertFalse(strings(readSpec(fullDir).getAsJsonArray("argv")).stream()
                .anyMatch(a -> a.contains("CompilerDirectivesFile") || a.contains("TieredStopAtLevel")));
        assertFalse(Files.exists(fullDir.resolve(JitDirectives.FILE_NAME)));

        Path quick = tmp.resolve("quick");
        assertEquals(0, install("--prefix", quick.toString(), "--jit", "QUICK"), err);
        JsonObject quickSpec = readSpec(quick.resolve("share/jupyter/kernels/java"));
        assertTrue(strings(quickSpec.getAsJsonArray("argv")).contains("-XX:TieredStopAtLevel=1"));
        assertEquals("quick", quickSpec.getAsJsonObject("metadata").getAsJsonObject("djl_kernel").get("jit").getAsString());

        // auto picks by the cores of the machine it installs on
        assertEquals(0, install("--prefix", tmp.resolve("auto").toString()), err);
        String auto = readSpec(tmp.resolve("auto/share/jupyter/kernels/java")).getAsJsonObject("metadata")
                .getAsJsonObject("djl_kernel").get("jit").getAsString();
        assertEquals(Runtime.getRuntime().availableProcessors() < 4 ? "quick" : "split", auto);

        assertEquals(2, install("--prefix", tmp.resolve("bad").toString(), "--jit", "turbo"));
        assertTrue(err.toString().contains("unknown --jit mode 'turbo'"), err.toString());
    }

    @Test
    void debuggerIsOptIn() throws Exception {
        Path plain = tmp.resolve("plain");
        assertEquals(0, install("--prefix", plain.toString()), err);
        JsonObject spec = readSpec(plain.resolve("share/jupyter/kernels/java"));
        assertFalse(strings(spec.getAsJsonArray("argv")).stream().anyMatch(a -> a.startsWith("-agentlib:jdwp")));
        assertFalse(spec.getAsJsonObject("metadata").has("debugger"));

        Path debug = tmp.resolve("debug");
        assertEquals(0, install("--prefix", debug.toString(), "--debugger"), err);
        spec = readSpec(debug.resolve("share/jupyter/kernels/java"));
        List<String> argv = strings(spec.getAsJsonArray("argv"));
        assertTrue(argv.contains(io.djlkernel.kernel.debug.DebugAdapter.AGENT_OPTION), argv.toString());
        assertTrue(argv.indexOf(io.djlkernel.kernel.debug.DebugAdapter.AGENT_OPTION) < argv.indexOf("-jar"));
        assertTrue(spec.getAsJsonObject("metadata").get("debugger").getAsBoolean());
    }

    @Test
    void logosArePngsOfTheRightSize() throws Exception {
        Path prefix = tmp.resolve("prefix");
        assertEquals(0, install("--prefix", prefix.toString()), err);
        for (int size : new int[] {32, 64}) {
            Path logo = prefix.resolve("share/jupyter/kernels/java/logo-" + size + "x" + size + ".png");
            byte[] bytes = Files.readAllBytes(logo);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4));
            BufferedImage img = ImageIO.read(logo.toFile());
            assertEquals(size, img.getWidth());
            assertEquals(size, img.getHeight());
            int center = img.getRGB(size / 2, size / 2) >>> 24;
            int corner = img.getRGB(0, 0) >>> 24;
            assertEquals(255, center, "the tile is opaque");
            assertTrue(corner < 255, "rounded corners are transparent");
        }
    }

    @Test
    void torchBridgeGoesIntoTheSpecEnvAndAFolderWithoutManifestIsRefused() throws Exception {
        Path prefix = tmp.resolve("prefix");
        Path notABridge = Files.createDirectories(tmp.resolve("not-a-bridge"));
        assertEquals(2, install("--prefix", prefix.toString(), "--torch-bridge", notABridge.toString()));
        assertTrue(err.contains("no djl-bridge.properties there"), err);
        assertFalse(Files.exists(prefix.resolve("share/jupyter/kernels/java/kernel.json")));

        Path bridge = Files.createDirectories(tmp.resolve("bridge"));
        Files.writeString(bridge.resolve("djl-bridge.properties"), "torch.version=2.11.0+cu130\n");
        assertEquals(0, install("--prefix", prefix.toString(), "--torch-bridge", bridge.toString()), err);
        JsonObject envs = readSpec(prefix.resolve("share/jupyter/kernels/java")).getAsJsonObject("env");
        assertEquals(bridge.toAbsolutePath().toString(), envs.get("DJL_KERNEL_TORCH_BRIDGE").getAsString());
    }

    @Test
    void nameDisplayNameJvmOptsAndEnvGoIntoTheSpec() throws Exception {
        Path prefix = tmp.resolve("prefix");
        assertEquals(0, install("--prefix", prefix.toString(), "--name", "djl-17", "--display-name", "Java 17 (big)",
                "--jvm-opt", "-Xmx8g", "--jvm-opt=-Dfoo=bar baz", "--env", "DJL_OFFLINE=true", "--env",
                "PATHS=a=b:c"), err);
        JsonObject spec = readSpec(prefix.resolve("share/jupyter/kernels/djl-17"));
        assertEquals("Java 17 (big)", spec.get("display_name").getAsString());
        List<String> argv = strings(spec.getAsJsonArray("argv"));
        int xmx = argv.indexOf("-Xmx8g");
        assertTrue(xmx > 0 && argv.get(xmx + 1).equals("-Dfoo=bar baz"), "user options kept in order: " + argv);
        for (String def : InstallCommand.DEFAULT_JVM_OPTS) {
            assertTrue(argv.indexOf(def) < xmx, "user options come after the defaults, so they win: " + argv);
        }
        assertTrue(xmx < argv.indexOf("-jar"));
        JsonObject envs = spec.getAsJsonObject("env");
        assertEquals("true", envs.get("DJL_OFFLINE").getAsString());
        assertEquals("a=b:c", envs.get("PATHS").getAsString());
    }

    @Test
    void userInstallFollowsJupyterDataDir() throws Exception {
        env.put("JUPYTER_DATA_DIR", tmp.resolve("jdata").toString());
        env.put("XDG_DATA_HOME", tmp.resolve("xdg").toString());
        assertEquals(0, install("--user"), err);
        assertTrue(Files.isRegularFile(tmp.resolve("jdata/kernels/java/kernel.json")));
    }

    @Test
    void userInstallFollowsXdgDataHomeThenHome() throws Exception {
        assumeTrue(!System.getProperty("os.name").startsWith("Mac") && !System.getProperty("os.name").startsWith("Win"));
        env.put("XDG_DATA_HOME", tmp.resolve("xdg").toString());
        assertEquals(0, install("--user"), err);
        assertTrue(Files.isRegularFile(tmp.resolve("xdg/jupyter/kernels/java/kernel.json")));

        env.remove("XDG_DATA_HOME");
        assertEquals(0, install("--user"), err);
        assertTrue(Files.isRegularFile(home.resolve(".local/share/jupyter/kernels/java/kernel.json")));
    }

    @Test
    void sysPrefixUsesTheActiveEnvironment() throws Exception {
        env.put("CONDA_PREFIX", tmp.resolve("conda").toString());
        assertEquals(0, install("--sys-prefix"), err);
        assertTrue(Files.isRegularFile(tmp.resolve("conda/share/jupyter/kernels/java/kernel.json")));

        env.put("VIRTUAL_ENV", tmp.resolve("venv").toString());
        assertEquals(0, install("--sys-prefix"), err);
        assertTrue(Files.isRegularFile(tmp.resolve("venv/share/jupyter/kernels/java/kernel.json")),
                "a virtualenv inside conda is the more specific environment");
    }

    @Test
    void sysPrefixWithoutAnEnvironmentIsAClearUsageError() {
        assertEquals(2, install("--sys-prefix"));
        assertTrue(err.contains("VIRTUAL_ENV") && err.contains("CONDA_PREFIX"), err);
        assertFalse(err.contains("Exception"), err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "--user --prefix /tmp/x", "--user --sys-prefix", "--name my_kernel! ",
            "--name", "--prefix", "--env NOEQUALS", "--jvm-opt Xmx1g", "--jvm-opt -jar", "--display-name  "})
    void badArgumentsExitTwoWithOneClearMessage(String args) {
        List<String> list = new ArrayList<>(List.of(args.strip().split(" ")));
        if (args.startsWith("--display-name")) list = List.of("--display-name", " ");
        int code = install(list.toArray(String[]::new));
        assertEquals(2, code, "exit code for " + args + "; stderr: " + err);
        assertEquals("", out, "nothing on stdout");
        assertTrue(err.startsWith("djl-kernel install: "), err);
        assertTrue(err.contains("Try 'djl-kernel install --help'"), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.lines().count() <= 3, "short: " + err);
    }

    @Test
    void onlyKernelJsonsExactCallSkipsTheParser() throws Exception {
        String conn = Files.writeString(tmp.resolve("kernel-1.json"), "{}").toString();
        assertTrue(RunCommand.isKernelJsonCall(new String[] {"run", conn}));
        assertFalse(RunCommand.isKernelJsonCall(new String[] {"run", tmp.resolve("missing.json").toString()}),
                "the parser says the file is missing");
        assertFalse(RunCommand.isKernelJsonCall(new String[] {"run", "--help"}));
        assertFalse(RunCommand.isKernelJsonCall(new String[] {"run", conn, "extra"}));
        assertFalse(RunCommand.isKernelJsonCall(new String[] {"install", conn}));
        assertFalse(RunCommand.isKernelJsonCall(new String[] {"run", "bad\u0000path"}), "a path Java cannot take");
    }

    @Test
    void badArgumentsOnOtherCommandsExitTwo() {
        assertEquals(2, run());
        assertTrue(err.contains("Missing command"), err);
        assertEquals(2, run("instal"));
        assertTrue(err.contains("install"), "suggests the command: " + err);
        assertEquals(2, run("run"));
        assertTrue(err.contains("CONNECTION_FILE"), err);
        assertEquals(2, run("run", tmp.resolve("missing.json").toString()));
        assertTrue(err.contains("missing.json"), err);
        assertEquals(2, run("uninstall", "--user", "--prefix", "x"));
        assertEquals(2, run("uninstall", "--nope"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "install", "uninstall"})
    void everyCommandHasHelpAndVersion(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command));
        args.add("--help");
        assertEquals(0, run(args.toArray(String[]::new)));
        assertTrue(out.startsWith("Usage: djl-kernel"), out);
        args.set(args.size() - 1, "--version");
        assertEquals(0, run(args.toArray(String[]::new)));
        assertTrue(out.startsWith("djl-kernel " + Main.version()), out);
        assertFalse(Main.version().contains("${"), "version is filtered in: " + Main.version());
    }

    @Test
    void permissionErrorSuggestsUser() {
        // mkdir under /sys fails for root (EPERM) and for users (EACCES) alike
        assumeTrue(Files.isDirectory(Path.of("/sys/kernel")), "needs Linux sysfs");
        assertEquals(1, install("--prefix", "/sys/djl-kernel-test"));
        assertTrue(err.contains("Permission denied") && err.contains("--user"), err);
        assertFalse(err.contains("\tat "), err);
    }

    @Test
    void installOutsideAJarSaysHowToRunIt() {
        assertEquals(1, run("install", "--no-cds", "--prefix", tmp.resolve("p").toString()));
        assertTrue(err.contains("java -jar"), err);
    }

    @Test
    void reinstallReplacesAndUninstallRemoves() throws Exception {
        Path prefix = tmp.resolve("prefix");
        Path dir = prefix.resolve("share/jupyter/kernels/java");
        assertEquals(0, install("--prefix", prefix.toString(), "--display-name", "first"));
        Files.writeString(dir.resolve("stale.txt"), "left from an older install");
        assertEquals(0, install("--prefix", prefix.toString(), "--display-name", "second"));
        assertTrue(out.contains("Replaced"), out);
        assertEquals("second", readSpec(dir).get("display_name").getAsString());
        assertFalse(Files.exists(dir.resolve("stale.txt")));

        assertEquals(0, run("uninstall", "--prefix", prefix.toString()), err);
        assertFalse(Files.exists(dir));
        assertTrue(out.contains("Removed"), out);

        assertEquals(1, run("uninstall", "--prefix", prefix.toString()));
        assertTrue(err.contains("No kernel spec 'java'"), err);
    }

    @Test
    void uninstallLeavesOtherKernelsAloneUnlessForced() throws Exception {
        Path prefix = tmp.resolve("prefix");
        Path other = Files.createDirectories(prefix.resolve("share/jupyter/kernels/java"));
        Files.writeString(other.resolve("kernel.json"), "{\"argv\": [\"ijava\"], \"display_name\": \"IJava\"}");
        assertEquals(1, run("uninstall", "--prefix", prefix.toString()));
        assertTrue(err.contains("not installed by djl-kernel") && err.contains("--force"), err);
        assertTrue(Files.exists(other.resolve("kernel.json")));

        assertEquals(0, run("uninstall", "--prefix", prefix.toString(), "--force"), err);
        assertFalse(Files.exists(other));
    }

    @Test
    void uninstallByName() throws Exception {
        env.put("JUPYTER_DATA_DIR", tmp.resolve("jdata").toString());
        assertEquals(0, install("--user", "--name", "a"));
        assertEquals(0, install("--user", "--name", "b"));
        assertEquals(0, run("uninstall", "--user", "--name", "a"), err);
        assertFalse(Files.exists(tmp.resolve("jdata/kernels/a")));
        assertTrue(Files.exists(tmp.resolve("jdata/kernels/b/kernel.json")));
    }
}
