package io.djlkernel.kernel.magic;

import io.djlkernel.api.display.Display;
import io.djlkernel.api.magic.MagicArgs;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.kernel.eval.EvalException;
import io.djlkernel.kernel.eval.Interpreter;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Supplier;

/** The magics every session has, besides those of the dependency resolver and of extensions. */
public final class BuiltinMagics {
    private BuiltinMagics() {
    }

    public static void registerAll(MagicDispatcher magics, Supplier<List<Interpreter.Variable>> variables,
                                   NotebookLoader loader) {
        magics.registerLine("lsmagic", "list every magic with one line of help", "%lsmagic",
                (args, ctx) -> MimeBundle.text(magics.listing()));
        magics.registerLine("time", "run a line of Java and report wall and CPU time",
                "%time <java code>\n\nRuns the code once and prints its wall time and the process CPU time."
                        + " The value of the code is the magic's value.",
                (args, ctx) -> time(args, ctx));
        magics.registerCell("time", "run the cell and report wall and CPU time",
                "%%time\n<java code>\n\nRuns the cell once; prints wall time and process CPU time.",
                (args, body, ctx) -> time(body, ctx));
        String timeitUsage = "%timeit [-n LOOPS] [-r RUNS] <java expression or statement>\n%%timeit [-n LOOPS] [-r RUNS]\n"
                + "<java statements>\n\nCompiles the code once, then runs it LOOPS times per run (chosen for"
                + " about 0.2 s when omitted), RUNS runs (default 7), and prints mean ± std. dev. per loop.";
        magics.registerLine("timeit", "time a Java expression or statement over many loops", timeitUsage,
                (args, ctx) -> timeit(args, false, ctx));
        magics.registerCell("timeit", "time the cell's Java statements over many loops", timeitUsage,
                (args, body, ctx) -> timeit(args + "\n" + body, true, ctx));
        ShellMagics.registerAll(magics);
        magics.registerCell("html", "show the cell as HTML", "%%html\n<html>",
                (args, body, ctx) -> Display.html(body));
        magics.registerCell("markdown", "show the cell as Markdown", "%%markdown\n<markdown>",
                (args, body, ctx) -> Display.markdown(body));
        magics.registerLine("who", "list the session's variables with their types",
                "%who\n\nName, type and a short preview of each variable, bounded in size.",
                (args, ctx) -> WhoTable.of(variables.get()));
        magics.registerLine("load", "run a .jsh/.jshell/.java file or a notebook's code cells",
                "%load <file>\n\nTries the name as given, then with .jsh, .jshell, .java and .ipynb. A notebook's"
                        + " code cells run in order, magics included, with paths relative to that notebook's folder.",
                (args, ctx) -> loader.load(args, ctx));
    }

    private static Object time(String code, MagicContext ctx) throws Exception {
        if (code.isBlank()) throw new MagicException("%time needs code to run, e.g. %time Thread.sleep(100)");
        var os = ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = processCpuNanos(os);
        long start = System.nanoTime();
        try {
            return ctx.eval(code);
        } finally {
            long wall = System.nanoTime() - start;
            long cpu = processCpuNanos(os) - cpuStart;
            System.out.println("CPU time (process): " + (cpu < 0 ? "n/a" : Timeit.format(cpu)));
            System.out.println("Wall time: " + Timeit.format(wall));
        }
    }

    private static long processCpuNanos(java.lang.management.OperatingSystemMXBean os) {
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return -1;
    }

    private static Object timeit(String argsAndCode, boolean isCell, MagicContext ctx) throws Exception {
        long loops = 0;
        int runs = 7;
        String code = argsAndCode.strip();
        while (code.startsWith("-n") || code.startsWith("-r")) {
            String[] split = code.split("\\s+", 3);
            if (split.length < 2) throw new MagicException("%timeit: " + split[0] + " needs a number");
            try {
                if (split[0].equals("-n")) loops = Long.parseLong(split[1]);
                else runs = Integer.parseInt(split[1]);
            } catch (NumberFormatException e) {
                throw new MagicException("%timeit: " + split[0] + " needs a whole number, not " + split[1]);
            }
            if (loops < 0 || runs < 1) throw new MagicException("%timeit: -n and -r must be positive");
            code = split.length > 2 ? split[2].strip() : "";
        }
        if (code.isEmpty()) throw new MagicException("%timeit needs code to time, e.g. %timeit Math.sqrt(2)");
        String call = Timeit.class.getName() + ".run(";
        String tail = ", " + loops + "L, " + runs + ")";
        if (!isCell) {
            try {
                return ctx.eval(call + "() -> (" + stripSemicolon(code) + ")" + tail);
            } catch (EvalException e) {
                if (!e.ename().equals("CompilationException")) throw e;
                // not an expression with a value: time it as a statement
            }
        }
        return ctx.eval(call + "() -> {\n" + code + (code.endsWith(";") || code.endsWith("}") ? "" : ";") + "\n}" + tail);
    }

    private static String stripSemicolon(String code) {
        return code.endsWith(";") ? code.substring(0, code.length() - 1) : code;
    }

    static List<String> words(String args) throws MagicException {
        try {
            return MagicArgs.split(args);
        } catch (IllegalArgumentException e) {
            throw new MagicException(e.getMessage());
        }
    }
}
