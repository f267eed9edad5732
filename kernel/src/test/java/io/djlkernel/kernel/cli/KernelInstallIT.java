package io.djlkernel.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as a user runs it: install with the AppCDS training run, exit codes of the real process. */
class KernelInstallIT {
    static final Path JAR = Path.of(System.getProperty("djl.kernel.jar", "target/djl-kernel.jar")).toAbsolutePath();
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path tmp;

    record Result(int code, String out) {
    }

    static Result java(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Result(p.exitValue(), out);
    }

    @Test
    void installFromTheJarMakesAUsableAppCdsArchive() throws Exception {
        Result r = java(List.of("-jar", JAR.toString(), "install", "--prefix", tmp.toString(), "--name", "it"));
        assertEquals(0, r.code(), r.out());
        Path dir = tmp.resolve("share/jupyter/kernels/it");
        JsonObject spec = new Gson().fromJson(Files.readString(dir.resolve("kernel.json")), JsonObject.class);
        List<String> argv = new ArrayList<>();
        spec.getAsJsonArray("argv").forEach(e -> argv.add(e.getAsString()));
        assertEquals(JAR.toString(), argv.get(argv.indexOf("-jar") + 1), "the running jar, absolute");
        assertEquals(JAVA.toAbsolutePath().toString(), argv.get(0));

        // the training run must work against the real kernel: a kernel that cannot answer it has a bug
        // JDK 25 on: an AOT cache with method profiles; before: AppCDS
        AppCds.Kind kind = AppCds.Kind.forFeatureRelease(Runtime.version().feature());
        Path archive = dir.resolve(kind.fileName);
        boolean aot = kind == AppCds.Kind.AOT_CACHE;
        assertTrue(r.out().contains(aot ? "AOT cache: " : "AppCDS archive: "), r.out());
        assertTrue(Files.size(archive) > 1_000_000, "archive size " + Files.size(archive));
        assertTrue(argv.contains((aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive), argv.toString());

        // the JVM maps it (-Xshare:on / -XX:AOTMode=on fail instead of falling back) with kernel.json's options
        List<String> check = new ArrayList<>(argv.subList(1, argv.indexOf("-jar")));
        check.replaceAll(a -> a.equals("-Xshare:auto") ? "-Xshare:on" : a);
        if (aot) check.add("-XX:AOTMode=on");
        check.addAll(List.of("-jar", JAR.toString(), "--version"));
        Result v = java(check);
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().startsWith("djl-kernel "), v.out());
    }

    @Test
    void aStaleArchiveFallsBackSilently() throws Exception {
        Path bogus = Files.write(tmp.resolve("stale.jsa"), new byte[4096]);
        AppCds.Kind kind = AppCds.Kind.forFeatureRelease(Runtime.version().feature());
        List<String> args = new ArrayList<>(AppCds.runtimeOptions(bogus, kind));
        args.addAll(List.of("-jar", JAR.toString(), "--version"));
        Result r = java(args);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("djl-kernel "), "no CDS warning before the output: " + r.out());
    }

    @Test
    void theRealProcessExitsTwoOnBadArguments() throws Exception {
        Result r = java(List.of("-jar", JAR.toString(), "install", "--no-such-flag"));
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("Unknown option: '--no-such-flag'"), r.out());
    }

    /**
     * kernel.json's call goes straight to the kernel: the command-line parser's start-up (about 150 ms of a 2-core
     * machine's cold start, docs/benchmarks.md) stays out of it. A connection file that is not one is one clear line.
     */
    @Test
    void kernelJsonsCallSkipsTheParserAndSaysWhatIsWrongWithTheConnectionFile() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("connection.json"), "not json {");
        Result r = java(List.of("-Xlog:class+load=info", "-Xshare:off", "-jar", JAR.toString(), "run", garbage.toString()));
        assertEquals(1, r.code(), r.out());
        List<String> said = r.out().lines().filter(l -> !l.contains("[class,load]")).toList();
        assertEquals(1, said.size(), r.out());
        assertTrue(said.get(0).startsWith("djl-kernel run: error: cannot read connection file " + garbage), said.get(0));
        assertTrue(r.out().contains("io.djlkernel.kernel.KernelLauncher "), "the kernel was started");
        // verifying Main loads the parser's exception types, but no command line is built
        assertTrue(r.out().lines().noneMatch(l -> l.contains(" picocli.CommandLine$Model")), "the parser was built");
    }
}
