package io.djlkernel.kernel.testing;

import io.djlkernel.kernel.eval.EvalException;
import io.djlkernel.kernel.eval.EvalResult;
import io.djlkernel.kernel.eval.Interpreter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A scripted interpreter for protocol tests: each cell is one command, {@code name:argument}.
 * <ul>
 * <li>{@code print:T} / {@code println:T} / {@code eprint:T} write T to stdout / stderr</li>
 * <li>{@code value:T} ends with the value T; {@code int:N} with the Integer N</li>
 * <li>{@code fail:M} throws an IllegalStateException-style EvalException with message M</li>
 * <li>{@code sleep:MS} sleeps (an interrupt ends it with ename "Interrupted"); {@code spin} loops until interrupted</li>
 * <li>{@code input} reads one line from stdin and ends with it as the value</li>
 * <li>{@code later:MS:T} starts a thread that prints T after MS ms, and ends at once</li>
 * <li>{@code bytes:N} prints N bytes (lines of digits), in 8 KB writes</li>
 * </ul>
 * Anything else ends with no value. Every evaluated code is recorded in {@link #evaluated()}.
 */
public final class FakeInterpreter implements Interpreter {
    private final Supplier<PrintStream> out;
    private final Supplier<PrintStream> err;
    private final Supplier<InputStream> in;
    private final List<String> evaluated = new CopyOnWriteArrayList<>();
    private volatile Thread running;
    private volatile boolean stopRequested;
    private volatile boolean closed;

    /** Uses System.out/err/in as they are when a cell runs (the kernel process's routed streams). */
    public FakeInterpreter() {
        this(() -> System.out, () -> System.err, () -> System.in);
    }

    public FakeInterpreter(Supplier<PrintStream> out, Supplier<PrintStream> err, Supplier<InputStream> in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    public List<String> evaluated() {
        return evaluated;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public EvalResult eval(String code) throws EvalException {
        evaluated.add(code);
        running = Thread.currentThread();
        try {
            return run(code);
        } finally {
            // an interrupt that came before the cell started still stops it; after it, it is spent
            stopRequested = false;
            running = null;
            Thread.interrupted();
        }
    }

    private EvalResult run(String code) throws EvalException {
        int colon = code.indexOf(':');
        String command = colon < 0 ? code.trim() : code.substring(0, colon);
        String argument = colon < 0 ? "" : code.substring(colon + 1);
        switch (command) {
            case "print" -> out.get().print(argument);
            case "println" -> out.get().println(argument);
            case "eprint" -> err.get().print(argument);
            case "value" -> {
                return EvalResult.of(argument);
            }
            case "int" -> {
                return EvalResult.of(Integer.parseInt(argument.trim()));
            }
            case "fail" -> throw new EvalException("java.lang.IllegalStateException", argument,
                    List.of("java.lang.IllegalStateException: " + argument, "\tat cell.line(#1:1)"), null);
            case "sleep" -> {
                try {
                    Thread.sleep(Long.parseLong(argument.trim()));
                } catch (InterruptedException e) {
                    throw interrupted();
                }
            }
            case "spin" -> {
                while (!stopRequested && !Thread.currentThread().isInterrupted()) Thread.onSpinWait();
                throw interrupted();
            }
            case "input" -> {
                try {
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in.get(), StandardCharsets.UTF_8), 1);
                    return EvalResult.of(reader.readLine());
                } catch (IOException e) {
                    throw new EvalException("java.io.IOException", e.getMessage(), List.of("java.io.IOException: " + e.getMessage()), e);
                }
            }
            case "later" -> {
                int second = argument.indexOf(':');
                long delay = Long.parseLong(argument.substring(0, second));
                String text = argument.substring(second + 1);
                PrintStream target = out.get();
                Thread thread = new Thread(() -> {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        return;
                    }
                    target.print(text);
                }, "cell-background");
                thread.setDaemon(true);
                thread.start();
            }
            case "bytes" -> {
                long total = Long.parseLong(argument.trim());
                byte[] line = (("0123456789".repeat(8)) + "\n").getBytes(StandardCharsets.US_ASCII);
                byte[] block = new byte[8 * 1024];
                for (int i = 0; i < block.length; i++) block[i] = line[i % line.length];
                PrintStream target = out.get();
                for (long written = 0; written < total; written += block.length) {
                    target.write(block, 0, (int) Math.min(block.length, total - written));
                }
                target.flush();
            }
            default -> {
                // no value
            }
        }
        return EvalResult.NONE;
    }

    private static EvalException interrupted() {
        return new EvalException("Interrupted", "the cell was interrupted", List.of("Interrupted"), null);
    }

    @Override
    public void interrupt() {
        stopRequested = true;
        Thread thread = running;
        if (thread != null) thread.interrupt();
    }

    @Override
    public Completion complete(String code, int cursor) {
        int start = cursor;
        while (start > 0 && Character.isJavaIdentifierPart(code.charAt(start - 1))) start--;
        String prefix = code.substring(start, cursor);
        List<String> matches = "fooBar fooBaz println".lines().flatMap(l -> List.of(l.split(" ")).stream())
                .filter(m -> m.startsWith(prefix)).toList();
        return new Completion(matches, start, cursor);
    }

    @Override
    public Inspection inspect(String code, int cursor, int detailLevel) {
        return code.contains("String") ? new Inspection("java.lang.String", "Strings are immutable.") : null;
    }

    @Override
    public Completeness isComplete(String code) {
        if (code.contains("}}")) return Completeness.invalid();
        if (code.trim().endsWith("{")) return Completeness.incomplete("    ");
        return Completeness.complete();
    }

    @Override
    public void addToClasspath(List<Path> paths) {
    }

    @Override
    public List<Variable> variables() {
        return List.of();
    }

    @Override
    public void close() {
        closed = true;
    }

    /** As an extension would add it: no GPU here. */
    @Override
    public java.util.Map<String, Object> usageFields() {
        return java.util.Map.of("gpus", List.of());
    }
}
