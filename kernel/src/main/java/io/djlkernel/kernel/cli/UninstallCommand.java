package io.djlkernel.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Removes a kernel spec that {@code install} wrote (same location flags and name). */
@Command(name = "uninstall", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = "Remove the kernel spec <prefix>/share/jupyter/kernels/NAME that install wrote.")
final class UninstallCommand implements Callable<Integer> {
    private final Environment env;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Location location;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = InstallCommand.DEFAULT_NAME,
            description = "Kernel spec name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--force", description = "Remove the kernel spec even if another kernel installed it.")
    boolean force;

    UninstallCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path kernelDir = Location.kernelsDir(location, env).resolve(name.toLowerCase(Locale.ROOT));
        Path kernelJson = kernelDir.resolve("kernel.json");
        if (!Files.isDirectory(kernelDir)) {
            throw new CliException("No kernel spec '" + name + "' in " + kernelDir.getParent()
                    + " (jupyter kernelspec list shows where kernels are)");
        }
        if (!force && !(Files.isRegularFile(kernelJson) && Files.readString(kernelJson)
                .contains("\"" + InstallCommand.MARKER + "\""))) {
            throw new CliException("The kernel spec in " + kernelDir + " was not installed by djl-kernel; "
                    + "left in place (use --force to remove it anyway)");
        }
        try {
            deleteTree(kernelDir);
        } catch (AccessDeniedException e) {
            throw new CliException("Permission denied removing " + e.getFile()
                    + (location == null ? ". A system-wide kernel needs root to remove; was it installed with --user?"
                    : ""));
        } catch (IOException e) {
            throw new CliException("Cannot remove " + kernelDir + ": " + e);
        }
        out.println("Removed kernelspec " + kernelDir.getFileName() + " from " + kernelDir);
        out.flush();
        return Main.EXIT_OK;
    }

    /** Deletes a folder and everything in it, failing on the first file that cannot be removed. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
