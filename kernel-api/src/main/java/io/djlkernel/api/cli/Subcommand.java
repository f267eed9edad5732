package io.djlkernel.api.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * A command of {@code djl-kernel} provided by an extension (found with {@link java.util.ServiceLoader} from
 * {@code META-INF/services/io.djlkernel.api.cli.Subcommand}), so the kernel core needs no compile-time link to it:
 * {@code java -jar djl-kernel.jar serve --model m.pt}.
 */
public interface Subcommand {
    /** The command word, e.g. "serve". */
    String name();

    /** One line for the command list. */
    String description();

    /** Usage text for {@code --help}. */
    String usage();

    /**
     * Runs the command with the words after its name; returns the exit code (0 ok, 1 failure, 2 bad arguments).
     * May block (a server runs until the process is told to stop).
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
