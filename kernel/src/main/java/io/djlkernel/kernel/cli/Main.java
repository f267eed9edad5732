package io.djlkernel.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import io.djlkernel.api.cli.Subcommand;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Spec;

/**
 * The kernel's command line: {@code run} (what kernel.json calls), {@code install} and {@code uninstall}.
 *
 * <p>Exit codes: 0 success, 1 a failure while doing the work (a clear message on stderr), 2 bad arguments.
 */
@Command(name = "djl-kernel",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A Java Jupyter kernel (JShell) with DJL.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Start with: java -jar djl-kernel.jar install --user"})
public final class Main implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // kernel.json's own call skips the command line's parser: building it (picocli, the other commands, the
        // extensions' commands) cost about 150 ms on a 2-core machine, a fifth of the kernel's cold start, and
        // picocli's classes predate what the class-data archive can hold. Anything else, errors included, is parsed.
        if (RunCommand.isKernelJsonCall(args)) System.exit(RunCommand.launch(Path.of(args[1])));
        int code = newCommandLine(System.getenv(), System.getProperty("user.home")).execute(args);
        // `run` returns once the kernel has shut down; exit so non-daemon threads left by cells cannot keep it alive
        System.exit(code);
    }

    /** The command line with its subcommands, reading the given environment (tests pass their own). */
    public static CommandLine newCommandLine(Map<String, String> env, String userHome) {
        Environment environment = new Environment(env, userHome);
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(new RunCommand());
        cl.addSubcommand(new InstallCommand(environment));
        cl.addSubcommand(new UninstallCommand(environment));
        for (Subcommand sc : ServiceLoader.load(Subcommand.class, Main.class.getClassLoader())) {
            if (!cl.getSubcommands().containsKey(sc.name())) cl.addSubcommand(sc.name(), extensionCommand(sc));
        }
        cl.setParameterExceptionHandler(Main::onBadArguments);
        cl.setExecutionExceptionHandler(Main::onFailure);
        return cl;
    }

    /**
     * A command an extension provides ({@code serve}): its words go to it unparsed (options included), so the
     * kernel core stays free of the extension's types.
     */
    static CommandLine extensionCommand(Subcommand sc) {
        PositionalParamSpec words = PositionalParamSpec.builder().paramLabel("ARGS").arity("0..*")
                .type(List.class).auxiliaryTypes(String.class).description("see '" + sc.name() + " --help'").build();
        CommandSpec spec = CommandSpec.wrapWithoutInspection((Callable<Integer>) () -> {
            List<String> a = words.getValue();
            return sc.run(a == null ? List.of() : a, System.out, System.err);
        });
        spec.name(sc.name());
        spec.usageMessage().description(sc.description());
        spec.addPositional(words);
        spec.parser().unmatchedOptionsArePositionalParams(true);
        return new CommandLine(spec);
    }

    /** Without a command: say what is missing, exit 2. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: one of " + String.join(", ", spec.commandLine().getSubcommands().keySet()));
    }

    /** One line saying what is wrong and one saying where help is; no usage dump. */
    private static int onBadArguments(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(qualifiedName(cl) + ": " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + qualifiedName(cl) + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    /** A failure while working ({@link CliException}, I/O): the message, not a stack trace. */
    private static int onFailure(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        if (ex instanceof CliException || ex instanceof IOException) {
            err.println(qualifiedName(cl) + ": error: " + ex.getMessage());
        } else {
            err.println(qualifiedName(cl) + ": unexpected error:");
            ex.printStackTrace(err);
        }
        err.flush();
        return ex instanceof CliException ce ? ce.exitCode() : EXIT_FAILURE;
    }

    private static String qualifiedName(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName();
    }

    /** The project version, from the filtered djl-kernel.properties. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/djl-kernel.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"djl-kernel " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
