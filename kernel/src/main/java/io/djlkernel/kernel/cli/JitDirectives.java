package io.djlkernel.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps C2, HotSpot's optimising compiler, off the kernel's own machinery: javac, JShell, the JDK's internals,
 * the transport, JSON and the kernel itself then run as C1 code, while cells' code, the libraries they call and
 * the JDK's public packages ({@code java.*}) are compiled as in any JVM.
 *
 * <p>Why: every cell runs thousands of javac methods a few times each. Under tiered compilation they cross C2's
 * thresholds one after another for the first few hundred cells, and C2 then spent about as much CPU per cell as
 * the cell itself, on a thread that competes with the cell on a small machine. JShell's own tool gets this split
 * for free by compiling in one JVM and running cells in another. docs/architecture.md ("JIT") has the numbers.
 */
final class JitDirectives {
    static final String FILE_NAME = "compiler-directives.json";

    private JitDirectives() {
    }

    /**
     * Writes the directives into the kernelspec folder and returns the JVM options that load them, or empty (with
     * the file removed) when {@code java} refuses them: a JVM that cannot read them would not start the kernel.
     */
    static Optional<List<String>> writeInto(Path kernelDir, Path java) throws IOException {
        Path file = kernelDir.resolve(FILE_NAME);
        try (InputStream in = JitDirectives.class.getResourceAsStream(FILE_NAME)) {
            if (in == null) throw new IOException(FILE_NAME + " is missing from the kernel jar");
            Files.copy(in, file);
        }
        // HotSpot announces the file on stdout ("1 compiler directives added") at every start, before anything else
        // the kernel or a `--version` prints; -DisplayVMOutput drops such VM chatter (warnings and errors still show)
        List<String> options = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + file,
                "-XX:-DisplayVMOutput");
        if (acceptedBy(java, options)) return Optional.of(options);
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    private static boolean acceptedBy(Path java, List<String> options) {
        List<String> args = new ArrayList<>(options);
        args.add("-version");
        try {
            return JavaRun.of(java, args, 30).ok();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
