package io.djlkernel.kernel.magic;

import io.djlkernel.api.magic.MagicException;
import io.djlkernel.kernel.eval.EvalException;
import io.djlkernel.kernel.eval.EvalResult;
import io.djlkernel.kernel.eval.Interpreter;
import io.djlkernel.kernel.eval.PagedHelp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Runs a cell's parts in order: Java through the interpreter, magics on a thread of their own (so an interrupt
 * can stop a magic that waits on a process or a download without disturbing the kernel's threads).
 */
public final class MagicRunner {
    private static final String RED = "\u001b[1;31m";
    private static final String RESET = "\u001b[0m";

    private final MagicDispatcher magics;
    private final Interpreter java;
    private static final Logger LOG = Logger.getLogger(MagicRunner.class.getName());
    private static final long ABANDON_MAGIC_AFTER_MS = 500;

    private final AtomicReference<Thread> runningMagic = new AtomicReference<>();
    /** Orders an interrupt against the start of a magic's thread, so that neither misses the other. */
    private final Object magicStart = new Object();
    /** Set by an interrupt until its request ends: also stops the parts of the cell that have not started yet. */
    private volatile boolean interruptRequested;
    /** Runs in progress, nested ones included. */
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    public MagicRunner(MagicDispatcher magics, Interpreter java) {
        this.magics = magics;
        this.java = java;
    }

    public EvalResult run(String code) throws EvalException {
        running.incrementAndGet();
        try {
            return runParts(code);
        } finally {
            // the outermost run has ended: an interrupt is spent with the cell it stopped, as in JShellInterpreter.
            // Runs nest (a magic evaluating code), so an inner one ending must not forget the outer cell's stop.
            if (running.decrementAndGet() == 0) interruptRequested = false;
        }
    }

    private EvalResult runParts(String code) throws EvalException {
        Matcher help = HELP_REQUEST.matcher(code);
        if (help.matches()) return EvalResult.of(help(help.group(1)));
        ParsedCell cell = ParsedCell.parse(code, magics::valueType);
        if (cell.cellMagic() != null) {
            ParsedCell.CellMagicCall call = cell.cellMagic();
            return onMagicThread("%%" + call.name(), () -> magics.runCell(call.name(), call.args(), call.body()));
        }
        EvalResult result = EvalResult.NONE;
        for (ParsedCell.Part part : cell.parts()) {
            if (interruptRequested) throw interrupted("the cell");
            if (part instanceof ParsedCell.Java javaPart) {
                result = java.eval(javaPart.code());
            } else {
                ParsedCell.Magic magic = (ParsedCell.Magic) part;
                result = onMagicThread("%" + magic.name(), () -> magics.runLine(magic.name(), magic.args(), false));
            }
        }
        return result;
    }

    /** {@code Math.max?}, {@code %maven?}, {@code list??}: help in the pager, as in IPython. */
    private static final Pattern HELP_REQUEST =
            Pattern.compile("\\s*(%{0,2}[\\w$.]+(?:\\(\\))?)\\?{1,2}\\s*");

    private PagedHelp help(String name) throws EvalException {
        String subject = name.endsWith("()") ? name.substring(0, name.length() - 2) : name;
        Interpreter.Inspection found = inspect(subject, subject.length(), 1);
        if (found == null) {
            String message = "nothing known about " + subject;
            throw new EvalException("NameError", message, List.of(RED + "NameError" + RESET + ": " + message), null);
        }
        String docs = found.documentation() == null || found.documentation().isBlank() ? "" : "\n\n" + found.documentation();
        return new PagedHelp(found.signature() + docs);
    }

    public void interrupt() {
        interruptRequested = true;
        java.interrupt();
        Thread magic;
        synchronized (magicStart) {
            magic = runningMagic.get();
        }
        if (magic != null) magic.interrupt();
    }

    /** The request the last interrupt was aimed at has ended. */
    public void clearInterrupt() {
        interruptRequested = false;
        java.clearInterrupt();
    }

    public Interpreter.Completion complete(String code, int cursor) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        String beforeCursor = code.substring(lineStart, Math.min(cursor, code.length()));
        if (beforeCursor.stripLeading().startsWith("%") && !beforeCursor.strip().contains(" ")) {
            String typed = beforeCursor.strip();
            List<String> names = new ArrayList<>();
            for (String name : magics.names()) {
                if (name.startsWith(typed)) names.add(name);
            }
            return new Interpreter.Completion(names, cursor - typed.length(), cursor);
        }
        return java.complete(ParsedCell.javaOnly(code), cursor);
    }

    public Interpreter.Inspection inspect(String code, int cursor, int detailLevel) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        int lineEnd = code.indexOf('\n', cursor);
        String line = code.substring(lineStart, lineEnd < 0 ? code.length() : lineEnd).strip();
        if (line.startsWith("%")) {
            String name = line.split("\\s+", 2)[0];
            String usage = magics.usageOf(name);
            return usage == null ? null : new Interpreter.Inspection(name, usage);
        }
        return java.inspect(ParsedCell.javaOnly(code), cursor, detailLevel);
    }

    public Interpreter.Completeness isComplete(String code) {
        if (code.stripLeading().startsWith("%%")) return Interpreter.Completeness.complete();
        String javaOnly = ParsedCell.javaOnly(code);
        return javaOnly.isBlank() ? Interpreter.Completeness.complete() : java.isComplete(javaOnly);
    }

    private static EvalException interrupted(String label) {
        return new EvalException("Interrupted", label + " was interrupted",
                List.of(RED + "Interrupted" + RESET + ": " + label + " was stopped."), null);
    }

    private interface MagicCall {
        Object run() throws Exception;
    }

    private EvalResult onMagicThread(String label, MagicCall call) throws EvalException {
        AtomicReference<Object> value = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                value.set(call.run());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "magic " + label);
        thread.setContextClassLoader(java.classLoader());
        // an abandoned magic (see below) must not keep the JVM alive at shutdown
        thread.setDaemon(true);
        synchronized (magicStart) {
            if (interruptRequested) throw interrupted(label);
            runningMagic.set(thread);
            thread.start();
        }
        try {
            while (thread.isAlive() && !interruptRequested) thread.join(50);
            // Thread.interrupt does not reach every blocking call (a socket read of a stalled repository); the
            // user asked to stop, so the cell ends and the magic is left to finish or time out on its own
            thread.join(ABANDON_MAGIC_AFTER_MS);
            if (thread.isAlive()) {
                LOG.warning(label + " did not stop within " + ABANDON_MAGIC_AFTER_MS + " ms of an interrupt; left running");
                throw interrupted(label);
            }
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
        } finally {
            synchronized (magicStart) {
                runningMagic.set(null);
            }
        }
        Throwable error = failure.get();
        // a resolver reports an interrupted download as its own failure ("could not resolve: null")
        if (error instanceof InterruptedException || (interruptRequested && error != null && !(error instanceof EvalException))) {
            throw interrupted(label);
        }
        if (error instanceof EvalException evalError) throw evalError;
        if (error instanceof MagicException) {
            throw new EvalException("MagicError", error.getMessage(),
                    List.of(RED + label + RESET + ": " + error.getMessage()), error);
        }

        if (error != null) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            List<String> lines = new ArrayList<>();
            lines.add(RED + label + " failed" + RESET + ": " + error);
            trace.toString().lines().skip(1).limit(15).forEach(lines::add);
            throw new EvalException(error.getClass().getName(), String.valueOf(error.getMessage()), lines, error);
        }
        Object result = value.get();
        return result == null ? EvalResult.NONE : EvalResult.of(result);
    }
}
