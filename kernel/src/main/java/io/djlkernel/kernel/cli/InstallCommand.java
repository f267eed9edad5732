package io.djlkernel.kernel.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a Jupyter kernel spec that runs this jar with this JVM, like {@code python -m ipykernel install}. */
@Command(name = "install", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Install the kernel spec <prefix>/share/jupyter/kernels/NAME (kernel.json and logos), "
            + "running this jar with this JVM.",
            "Without --user, --sys-prefix or --prefix it installs system-wide (/usr/local/share/jupyter), "
            + "which usually needs root."})
final class InstallCommand implements Callable<Integer> {
    static final String DEFAULT_NAME = "java";
    static final String DEFAULT_DISPLAY_NAME = "Java (DJL)";
    /** Written into kernel.json's metadata so uninstall only removes kernel specs this command made. */
    static final String MARKER = "djl_kernel";
    static final String TORCH_BRIDGE_ENV = "DJL_KERNEL_TORCH_BRIDGE";
    static final String TORCH_BRIDGE_MANIFEST = "djl-bridge.properties";

    /** Jupyter's rule for kernel names (jupyter_client's _is_valid_kernel_name). */
    private static final Pattern VALID_NAME = Pattern.compile("^[a-z0-9._\\-]+$", Pattern.CASE_INSENSITIVE);

    /**
     * JVM options every kernel.json gets, before the user's own --jvm-opt (which come later, so they win).
     * Chosen for a notebook: nothing here slows user code (no TieredStopAtLevel, no small heap, GC left to
     * the JVM's ergonomics so big tensors and collections get a throughput collector on real machines).
     */
    static final List<String> DEFAULT_JVM_OPTS = List.of(
            // No display in a kernel: charts drawn with Java2D/ImageIO work, nothing tries to open a window.
            "-Djava.awt.headless=true",
            // UTF-8 files and strings on Java 17 as on 18+ (JEP 400), whatever the server's locale.
            "-Dfile.encoding=UTF-8",
            // Users read stack traces: keep them even for exceptions the JIT would otherwise throw without one.
            "-XX:-OmitStackTraceInFastThrow");

    private final Environment env;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Location location;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = DEFAULT_NAME,
            description = "Kernel spec name (default: ${DEFAULT-VALUE}, the name other Java kernels use, "
                    + "so their notebooks open with this one).")
    String name;

    @Option(names = "--display-name", paramLabel = "TEXT", defaultValue = DEFAULT_DISPLAY_NAME,
            description = "Name shown in Jupyter's launcher and kernel menu (default: ${DEFAULT-VALUE}).")
    String displayName;

    @Option(names = "--jvm-opt", paramLabel = "OPT",
            description = "A JVM option for the kernel, e.g. --jvm-opt=-Xmx8g (repeatable; after the defaults: "
                    + "-Djava.awt.headless=true -Dfile.encoding=UTF-8 -XX:-OmitStackTraceInFastThrow).")
    List<String> jvmOpts = new ArrayList<>();

    @Option(names = "--env", paramLabel = "KEY=VALUE",
            description = "An environment variable for the kernel, e.g. --env DJL_OFFLINE=true (repeatable).")
    Map<String, String> envVars = new LinkedHashMap<>();

    @Option(names = "--torch-bridge", paramLabel = "DIR",
            description = "A torch bridge folder made by gpu/build-jni.sh (DJL's JNI built for the torch at hand): "
                    + "the kernel then uses that torch, and refuses it if it is not the one the bridge was built for.")
    Path torchBridge;

    @Option(names = "--no-cds", description = "Skip the AppCDS archive (a class-data archive made by a short "
            + "training run at install that makes the kernel start faster).")
    boolean noCds;

    @Option(names = "--jit", paramLabel = "MODE", description = "How HotSpot compiles the kernel: quick (C1 only: "
            + "the fastest cells, but Java-heavy cells run up to 2.5x slower), split (C2 for cells' code and "
            + "the libraries they call, C1 for javac, JShell and the kernel), full (C2 for everything), or auto: quick "
            + "on a machine with fewer than 4 cores, where C2 competes with the cells for the CPU, split otherwise. "
            + "Default: ${DEFAULT-VALUE}.")
    String jit = "auto";

    @Option(names = "--debugger", description = "Let JupyterLab's debugger debug this kernel's Java cells: loads the "
            + "JDK's debugging agent (dormant until the first debug request) and says so in kernel.json. Off by "
            + "default: the loaded agent slows every cell's compile (docs/debugging.md, \"What it costs\").")
    boolean debugger;

    @Option(names = "--jar", hidden = true, description = "The kernel jar to run (default: the running jar).")
    Path jarOverride;

    InstallCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = spec.commandLine().getOut();
        validate();
        Path jar = kernelJar();
        Path javaPath = currentJava();
        Path kernelsDir = Location.kernelsDir(location, env);
        Path kernelDir = kernelsDir.resolve(name.toLowerCase(Locale.ROOT));

        try {
            boolean replaced = Files.exists(kernelDir.resolve("kernel.json"));
            if (Files.exists(kernelDir)) UninstallCommand.deleteTree(kernelDir);
            Files.createDirectories(kernelDir);

            List<String> opts = new ArrayList<>(DEFAULT_JVM_OPTS);
            int cores = Runtime.getRuntime().availableProcessors();
            JitMode jitMode = requestedJit.resolved(cores);
            List<String> jitOptions = jitMode.jvmOptions(kernelDir, javaPath);
            if (jitMode == JitMode.SPLIT && jitOptions.isEmpty()) {
                out.println("This JVM does not take HotSpot's compiler directives; installed as with --jit full.");
                jitMode = JitMode.FULL;
            }
            opts.addAll(jitOptions);
            out.println("JIT: " + jitMode.label() + (requestedJit == JitMode.AUTO ? " (auto, " + cores + " cores)" : ""));
            if (debugger) opts.add(io.djlkernel.kernel.debug.DebugAdapter.AGENT_OPTION);
            opts.addAll(jvmOpts);
            if (!noCds) {
                AppCds.Kind kind = AppCds.Kind.forFeatureRelease(AppCds.featureRelease(javaPath));
                String what = kind == AppCds.Kind.AOT_CACHE ? "AOT cache" : "AppCDS archive";
                Path archive = kernelDir.resolve(kind.fileName);
                out.println("Creating the " + what + " (a short training run of the kernel)...");
                out.flush();
                AppCds.Result cds = AppCds.create(javaPath, opts, jar, archive, kind);
                if (cds.ok()) {
                    opts.addAll(0, AppCds.runtimeOptions(archive, kind));
                    out.println(what + ": " + archive + " (" + cds.detail() + ")");
                } else {
                    out.println("No " + what + " (" + cds.detail() + "); the kernel works without it, "
                            + "it only starts slower.");
                }
            }
            Files.writeString(kernelDir.resolve("kernel.json"), kernelJson(javaPath, opts, jar, jitMode));
            Logos.writeInto(kernelDir);
            out.println((replaced ? "Replaced" : "Installed") + " kernelspec " + kernelDir.getFileName()
                    + " in " + kernelDir);
            if (location != null && location.prefix != null) {
                out.println("Jupyter finds it if " + kernelsDir.getParent() + " is on JUPYTER_PATH (or the prefix "
                        + "is the one Jupyter itself is installed in).");
            }
        } catch (FileSystemException e) {
            // EACCES (AccessDeniedException) or EPERM ("Operation not permitted"): the same advice for both
            if (e instanceof AccessDeniedException || String.valueOf(e.getReason()).contains("not permitted")) {
                throw new CliException("Permission denied writing " + e.getFile() + ". Use --user to install "
                        + "for your user only (or run as root for a system-wide install).");
            }
            throw new CliException("Cannot write " + e.getFile() + (e.getReason() == null ? "" : ": "
                    + e.getReason()));
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** {@link #jit}, read by {@link #validate}. */
    private JitMode requestedJit;

    private void validate() {
        try {
            requestedJit = JitMode.parse(jit);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid kernel name '" + name
                    + "': use letters, digits, '.', '_' and '-' only.");
        }
        if (displayName.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--display-name must not be empty");
        }
        for (String key : envVars.keySet()) {
            if (key.isEmpty() || key.contains("=")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid --env '" + key + "': expected KEY=VALUE");
            }
        }
        if (torchBridge != null) {
            torchBridge = torchBridge.toAbsolutePath().normalize();
            if (!Files.isRegularFile(torchBridge.resolve(TORCH_BRIDGE_MANIFEST))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--torch-bridge " + torchBridge
                        + ": no " + TORCH_BRIDGE_MANIFEST + " there (build one with gpu/build-jni.sh --out DIR)");
            }
            // the kernel's DJL extension reads this setting; the kernel module itself only passes it on
            envVars.put(TORCH_BRIDGE_ENV, torchBridge.toString());
        }
        for (String opt : jvmOpts) {
            if (!opt.startsWith("-")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid --jvm-opt '" + opt
                        + "': a JVM option starts with '-', e.g. --jvm-opt=-Xmx8g");
            }
            if (opt.equals("-jar") || opt.equals("-cp") || opt.equals("-classpath") || opt.equals("--class-path")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--jvm-opt " + opt + " is not allowed: the kernel runs its own jar");
            }
        }
    }

    String kernelJson(Path java, List<String> opts, Path jar, JitMode jitMode) {
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.addAll(opts);
        argv.add("-jar");
        argv.add(jar.toString());
        argv.add("run");
        argv.add("{connection_file}");

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", displayName);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", envVars);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(MARKER, Map.of("version", Main.version(), "java_version", Runtime.version().toString(),
                "jit", jitMode.label()));
        // JupyterLab shows its debugger for kernels whose spec says so (as ipykernel's does)
        if (debugger) metadata.put("debugger", true);
        spec.put("metadata", metadata);
        Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
        return gson.toJson(spec) + "\n";
    }

    /** The jar this class was loaded from (or --jar); install must run from the packaged jar. */
    private Path kernelJar() throws CliException {
        Path jar = jarOverride;
        if (jar == null) {
            try {
                jar = Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                throw new CliException("Cannot tell which jar is running: run install as java -jar djl-kernel.jar");
            }
        }
        jar = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            throw new CliException("install must run from the kernel jar (java -jar kernel/target/djl-kernel.jar "
                    + "install), not from " + jar);
        }
        return jar;
    }

    /** The java launcher of the JVM running this command, so the kernel runs on the same Java. */
    static Path currentJava() {
        Path fromHome = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").startsWith("Windows") ? "java.exe" : "java");
        if (Files.isExecutable(fromHome)) return fromHome.toAbsolutePath();
        return ProcessHandle.current().info().command().map(Path::of).orElse(fromHome).toAbsolutePath();
    }
}
