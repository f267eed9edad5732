package io.djlkernel.kernel.eval;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.UnresolvedReferenceException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Turns JShell's diagnostics and exceptions into errors that point at the user's own cell lines. */
final class ErrorFormatter {
    private static final String RED = "\u001b[0;31m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String GREEN = "\u001b[0;32m";
    private static final String RESET = "\u001b[0m";
    private static final String[] HIDDEN_FRAME_PREFIXES = {
            "jdk.internal.", "java.lang.reflect.", "jdk.jshell.", "io.djlkernel.kernel.eval.", "java.lang.Thread"};

    /** The cell being run: where each of its snippets starts, to map snippet lines to cell lines. */
    static final class Cell {
        private final String code;
        private final Map<String, Integer> snippetOffsets = new HashMap<>();

        Cell(String code) {
            this.code = code;
        }

        String code() {
            return code;
        }

        void place(String snippetId, int offset) {
            snippetOffsets.put(snippetId, offset);
        }

        /** 1-based line of a character offset in the cell. */
        int lineOf(int offset) {
            int line = 1;
            for (int i = 0; i < Math.min(offset, code.length()); i++) {
                if (code.charAt(i) == '\n') line++;
            }
            return line;
        }

        String lineText(int line) {
            String[] lines = code.split("\n", -1);
            return line >= 1 && line <= lines.length ? lines[line - 1] : "";
        }

        int lineStart(int line) {
            int current = 1;
            for (int i = 0; i < code.length() && current < line; i++) {
                if (code.charAt(i) == '\n') {
                    current++;
                    if (current == line) return i + 1;
                }
            }
            return 0;
        }

        Integer offsetOf(String snippetId) {
            return snippetOffsets.get(snippetId);
        }

        /** A class compiled from the whole cell, line for line: frames in this source file are the cell's lines. */
        void placeFile(String sourceFile) {
            snippetOffsets.put(sourceFile, 0);
        }
    }

    EvalException compilation(Cell cell, CellSplitter.Piece piece, List<Diag> diagnostics) {
        List<Diag> errors = diagnostics.stream().filter(Diag::isError).collect(Collectors.toList());
        if (errors.isEmpty()) errors = diagnostics;
        List<String> traceback = new ArrayList<>();
        String first = "the code does not compile";
        for (Diag diag : errors) {
            String message = diag.getMessage(Locale.ROOT);
            if (traceback.isEmpty()) first = message.lines().findFirst().orElse(first);
            long start = Math.max(0, diag.getStartPosition());
            long end = Math.max(start + 1, diag.getEndPosition());
            int absoluteStart = piece.offset() + (int) start;
            int line = cell.lineOf(absoluteStart);
            String text = cell.lineText(line);
            int column = absoluteStart - cell.lineStart(line);
            int width = (int) Math.max(1, Math.min(end - start, text.length() - column));
            traceback.add(BOLD_RED + "Compilation error" + RESET + " at line " + line + ", column " + (column + 1) + ":");
            traceback.add("    " + text);
            traceback.add("    " + " ".repeat(Math.max(0, column)) + RED + "^".repeat(width) + RESET);
            message.lines().forEach(l -> traceback.add(l));
        }
        if (errors.isEmpty()) traceback.add(first);
        return new EvalException("CompilationException", first, traceback, null);
    }

    EvalException interrupted() {
        return new EvalException("Interrupted", "the cell was interrupted; the kernel keeps its state",
                List.of(BOLD_RED + "Interrupted" + RESET + ": the cell was stopped; variables from earlier cells are kept."),
                null);
    }

    EvalException exit(int status) {
        String value = "System.exit(" + status + ") ended this cell; the kernel keeps running";
        return new EvalException("SystemExit", value, List.of(BOLD_RED + "SystemExit" + RESET + ": " + value
                + ". Restart the kernel from the menu to start afresh."), null);
    }

    EvalException unresolved(JShell shell, UnresolvedReferenceException e) {
        Snippet snippet = e.getSnippet();
        String missing = shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) snippet)
                .collect(Collectors.joining(", "));
        String value = snippet.source().lines().findFirst().orElse("").strip()
                + " cannot run until " + (missing.isEmpty() ? "its dependencies are" : missing + " is") + " declared";
        return new EvalException("UnresolvedReferenceException", value,
                List.of(BOLD_RED + "UnresolvedReferenceException" + RESET + ": " + value), e);
    }

    /** "class Training", "method train", "variable x": what a note names (a snippet's first line may be blank). */
    private static String describe(Snippet snippet) {
        if (snippet instanceof jdk.jshell.TypeDeclSnippet type) return type.subKind().name().toLowerCase().replace("_subkind", "")
                .replace('_', ' ') + " " + type.name();
        if (snippet instanceof jdk.jshell.MethodSnippet method) return "method " + method.name();
        if (snippet instanceof jdk.jshell.VarSnippet variable) return "variable " + variable.name();
        return snippet.source().lines().filter(l -> !l.isBlank()).findFirst().orElse("a declaration").strip();
    }

    String recoverable(JShell shell, Snippet snippet) {
        String missing = snippet instanceof jdk.jshell.DeclarationSnippet
                ? shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) snippet).collect(Collectors.joining(", "))
                : "";
        return "note: " + describe(snippet) + " was declared, but it cannot be used until " + (missing.isEmpty() ? "what it refers to" : missing)
                + " is declared";
    }

    EvalException runtime(Cell cell, JShellException thrown) {
        return runtime(cell, (Throwable) thrown);
    }

    /** A cell's exception: JShell's stand-in for it, or the real one where the cell ran without JShell. */
    EvalException runtime(Cell cell, Throwable thrown) {
        String className = thrown instanceof jdk.jshell.EvalException
                ? ((jdk.jshell.EvalException) thrown).getExceptionClassName() : thrown.getClass().getName();
        String message = withoutWrapperNames(thrown.getMessage());
        List<String> traceback = new ArrayList<>();
        traceback.add(BOLD_RED + className + RESET + (message.isEmpty() ? "" : ": " + message));
        appendFrames(cell, thrown, traceback);
        Throwable cause = thrown.getCause();
        int depth = 0;
        while (cause != null && depth++ < 10) {
            String causeName = cause instanceof jdk.jshell.EvalException
                    ? ((jdk.jshell.EvalException) cause).getExceptionClassName() : cause.getClass().getName();
            traceback.add("Caused by: " + BOLD_RED + causeName + RESET
                    + (cause.getMessage() == null ? "" : ": " + withoutWrapperNames(cause.getMessage())));
            appendFrames(cell, cause, traceback);
            cause = cause.getCause();
        }
        if (className.equals("java.lang.OutOfMemoryError")) {
            traceback.add(GREEN + "What the cell's code held was released (a variable keeps what it holds: set it to null to"
                    + " free that) and the kernel keeps running. For more memory,"
                    + " reinstall the kernel with --jvm-opt=-Xmx<size>." + RESET);
        } else if (className.equals("java.lang.StackOverflowError")) {
            traceback.add(GREEN + "Likely a recursion without an end; the kernel keeps running." + RESET);
        }
        return new EvalException(className, message, traceback, thrown);
    }

    private static final java.util.regex.Pattern WRAPPER_NAME = java.util.regex.Pattern.compile("REPL\\.\\$(JShell|Cell)\\$\\d+[A-Z]*\\.");

    /** A helpful NullPointerException names a session variable by the class that holds it: the name says enough. */
    private static String withoutWrapperNames(String message) {
        return message == null ? "" : WRAPPER_NAME.matcher(message).replaceAll("");
    }

    private static void appendFrames(Cell cell, Throwable thrown, List<String> traceback) {
        int shown = 0;
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (isHidden(frame)) continue;
            if (shown++ == 30) {
                traceback.add("    ...");
                break;
            }
            traceback.add("    at " + describe(cell, frame));
        }
    }

    private static boolean isHidden(StackTraceElement frame) {
        for (String prefix : HIDDEN_FRAME_PREFIXES) {
            if (frame.getClassName().startsWith(prefix)) return true;
        }
        return false;
    }

    /** JShell names snippet frames "#id" with a line inside the snippet; show the line in the cell instead. */
    private static String describe(Cell cell, StackTraceElement frame) {
        String file = frame.getFileName();
        String method = frame.getMethodName().isEmpty() || frame.getMethodName().equals("do_it$")
                ? "cell" : frame.getMethodName();
        String owner = frame.getClassName().isEmpty() ? "" : frame.getClassName() + ".";
        Integer wholeCell = file == null ? null : cell.offsetOf(file);
        if (wholeCell != null && frame.getLineNumber() > 0) {
            return method + " (line " + frame.getLineNumber() + ")"; // the cell's class: named as JShell's frames are
        }
        if (file != null && file.startsWith("$Cell$") && frame.getLineNumber() > 0) {
            return method + " (an earlier cell, line " + frame.getLineNumber() + ")"; // compiled whole, line for line
        }
        if (file != null && file.startsWith("#")) {
            Integer offset = cell.offsetOf(file.substring(1));
            if (offset != null && frame.getLineNumber() > 0) {
                return owner + method + " (line " + (cell.lineOf(offset) + frame.getLineNumber() - 1) + ")";
            }
            return owner + method + " (an earlier cell, snippet " + file + ":" + frame.getLineNumber() + ")";
        }
        return frame.toString();
    }
}
