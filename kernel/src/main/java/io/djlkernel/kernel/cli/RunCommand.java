package io.djlkernel.kernel.cli;

import io.djlkernel.kernel.KernelLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What kernel.json's argv calls: serves one kernel on the given connection file until shutdown. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run the kernel on a Jupyter connection file (Jupyter calls this; see kernel.json).")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CONNECTION_FILE", description = "The connection file Jupyter wrote for this kernel.")
    Path connectionFile;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(connectionFile)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Connection file not found or not readable: " + connectionFile.toAbsolutePath());
        }
        return launch(connectionFile);
    }

    /** {@code run CONNECTION_FILE} exactly, the file readable: what Jupyter starts, nothing for the parser to do. */
    static boolean isKernelJsonCall(String[] args) {
        if (args.length != 2 || !args[0].equals("run") || args[1].startsWith("-")) return false;
        try {
            return Files.isReadable(Path.of(args[1]));
        } catch (java.nio.file.InvalidPathException e) {
            return false; // the parser says what is wrong with it
        }
    }

    /** Serves the kernel until it shuts down; a connection file it cannot use is one line on stderr and exit 1. */
    static int launch(Path connectionFile) {
        try {
            KernelLauncher.launch(connectionFile.toAbsolutePath());
        } catch (java.io.UncheckedIOException e) {
            System.err.println("djl-kernel run: error: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
        return Main.EXIT_OK;
    }
}
