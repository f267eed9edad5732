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
        KernelLauncher.launch(connectionFile.toAbsolutePath());
        return Main.EXIT_OK;
    }
}
