package io.djlkernel.kernel.magic;

import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * {@code %system}, {@code %sh}, {@code %%bash} and {@code %env}. A JVM cannot change its own environment, so
 * {@code %env K=V} sets K for the commands these magics start (and shows it in {@code %env}); {@code
 * System.getenv} in Java code still sees the kernel's start-up environment.
 */
final class ShellMagics {
    private static final Map<String, String> ENV_OVERRIDES = new ConcurrentHashMap<>();

    private ShellMagics() {
    }

    static void registerAll(MagicDispatcher magics) {
        String commandUsage = "%system <command>   (or %sh <command>)\n\nRuns the command with bash in the working"
                + " directory, streaming its output as it comes; a non-zero exit code is reported. Used as a value"
                + " (var out = %system ls), it returns the output lines.";
        magics.registerLine("system", "run a shell command, streaming its output", commandUsage,
                (args, ctx) -> shell(args, ctx));
        magics.registerLine("sh", "run a shell command, streaming its output (same as %system)", commandUsage,
                (args, ctx) -> shell(args, ctx));
        magics.registerCell("bash", "run the cell with bash, streaming its output",
                "%%bash\n<script>\n\nRuns the cell as a bash script in the working directory; a non-zero exit"
                        + " code is an error.",
                (args, body, ctx) -> {
                    int code = run(body, ctx, null);
                    if (code != 0) throw new MagicException("the bash script exited with code " + code);
                    return null;
                });
        magics.registerLine("env", "show or set environment variables for commands run from the notebook",
                "%env            all variables\n%env NAME       one variable\n%env NAME=VALUE  set NAME for"
                        + " commands run by %system, %sh and %%bash\n\nThe JVM's own environment (System.getenv)"
                        + " cannot change while it runs.",
                (args, ctx) -> env(args));
    }

    private static Object shell(String command, MagicContext ctx) throws Exception {
        if (command.isBlank()) throw new MagicException("give a command to run, e.g. %system ls -l");
        List<String> lines = ctx.isExpression() ? new ArrayList<>() : null;
        int code = run(command, ctx, lines);
        if (code != 0) System.err.println("(exit code " + code + ")");
        return lines;
    }

    /** Runs bash with the script, streaming output line by line; interrupting the thread kills the process. */
    private static int run(String script, MagicContext ctx, List<String> capture) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script)
                .directory(ctx.workingDirectory().toFile())
                .redirectErrorStream(false);
        builder.environment().putAll(ENV_OVERRIDES);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new MagicException("cannot start bash: " + e.getMessage());
        }
        process.getOutputStream().close();
        Thread errPump = new Thread(() -> pump(process.getErrorStream(), false, null), "stderr pump");
        errPump.setDaemon(true);
        errPump.start();
        try {
            pump(process.getInputStream(), true, capture);
            int exit = process.waitFor();
            errPump.join(1000);
            return exit;
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
    }

    private static void pump(java.io.InputStream stream, boolean stdout, List<String> capture) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (capture != null) capture.add(line);
                (stdout ? System.out : System.err).println(line);
            }
        } catch (IOException ignored) {
            // the process ended or was killed
        }
    }

    private static Object env(String args) throws MagicException {
        String a = args.strip();
        Map<String, String> all = new TreeMap<>(System.getenv());
        all.putAll(ENV_OVERRIDES);
        if (a.isEmpty()) {
            return MimeBundle.text(all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n")));
        }
        int eq = a.indexOf('=');
        if (eq < 0) {
            String value = all.get(a);
            if (value == null) throw new MagicException("environment variable " + a + " is not set");
            return value;
        }
        String name = a.substring(0, eq).strip();
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new MagicException("not a variable name: " + name);
        String value = a.substring(eq + 1).strip();
        ENV_OVERRIDES.put(name, value);
        System.out.println("env: " + name + "=" + value);
        return null;
    }
}
