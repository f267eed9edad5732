package io.djlkernel.kernel.debug;

import io.djlkernel.kernel.eval.SnippetLines;
import io.djlkernel.kernel.eval.SnippetObserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cells and the classes compiled from them, for the debugger. A cell is named by a path made of a hash of its text,
 * as JupyterLab names it ({@code debugInfo}'s hashMethod, hashSeed, tmpFilePrefix and tmpFileSuffix); each class
 * JShell compiled from it maps its lines to the cell's lines ({@link SnippetLines}).
 */
final class CellSourceMap implements SnippetObserver {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(CellSourceMap.class.getName());
    /** The seed ipykernel uses: any constant would do, the front end takes it from debugInfo. */
    static final long HASH_SEED = 3339675911L;
    static final String SUFFIX = ".java";
    /** JShell's wrapper class of a snippet, without nested-class parts: REPL.$JShell$12 or REPL.$JShell$12B. */
    private static final Pattern WRAPPER = Pattern.compile("^(REPL\\.\\$JShell\\$\\d+[A-Z]*)(\\$.*)?$");
    private static final Pattern SNIPPET = Pattern.compile("^REPL\\.\\$JShell\\$(\\d+)[A-Z]*$");

    interface Listener {
        /** The classes of {@code lines} are known now; {@code aboutToRun}: its code runs as soon as this returns. */
        void mapped(SnippetLines lines, boolean aboutToRun);

        /** The code of the cell that ran has ended. */
        void cellEnded();
    }

    private final Path folder;
    private final Map<String, String> cells = new ConcurrentHashMap<>();
    private final Map<String, SnippetLines> classes = new ConcurrentHashMap<>();
    /** The newest wrapper of each snippet (JShell compiles a snippet again as REPL.$JShell$12B, ...). */
    private final Map<String, SnippetLines> newestOfSnippet = new ConcurrentHashMap<>();
    private volatile Listener listener;

    CellSourceMap(Path folder) {
        this.folder = folder;
    }

    void listen(Listener listener) {
        this.listener = listener;
    }

    String prefix() {
        return folder.toString() + "/";
    }

    String pathOf(String code) {
        return prefix() + Murmur2.hash(code, HASH_SEED) + SUFFIX;
    }

    /** Keeps {@code code} under its path and writes it there (a front end may open it); returns the path. */
    String dump(String code) throws IOException {
        String path = pathOf(code);
        cells.put(path, code);
        Files.createDirectories(folder);
        Files.writeString(Path.of(path), code, StandardCharsets.UTF_8);
        return path;
    }

    /** The text of a cell path, or null when no such cell was dumped or run. */
    String code(String path) {
        return cells.get(path);
    }

    boolean isCellPath(String path) {
        return path != null && path.startsWith(prefix()) && path.endsWith(SUFFIX);
    }

    /** The lines of the class {@code className} or of the wrapper it is nested in; null for no cell class. */
    SnippetLines lines(String className) {
        Matcher m = WRAPPER.matcher(className);
        return m.matches() ? classes.get(m.group(1)) : null;
    }

    static String wrapperOf(String className) {
        Matcher m = WRAPPER.matcher(className);
        return m.matches() ? m.group(1) : null;
    }

    Collection<SnippetLines> newestClasses() {
        return new ArrayList<>(newestOfSnippet.values());
    }

    List<SnippetLines> classesOf(String path) {
        List<SnippetLines> of = new ArrayList<>();
        for (SnippetLines lines : classes.values()) if (pathOf(lines.cellCode()).equals(path)) of.add(lines);
        return of;
    }

    /**
     * The imports of the newest cell class: JShell writes every active import and declaration (as static imports)
     * into each wrapper, so the newest one sees the session as it is now.
     */
    String latestImports() {
        SnippetLines newest = null;
        int newestNumber = -1;
        for (SnippetLines lines : classes.values()) {
            Matcher m = SNIPPET.matcher(lines.className());
            int number = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (number > newestNumber) {
                newest = lines;
                newestNumber = number;
            }
        }
        return newest == null ? "" : newest.imports();
    }

    @Override
    public void aboutToRun(SnippetLines lines) {
        register(lines, true);
    }

    @Override
    public void compiled(SnippetLines lines) {
        register(lines, false);
    }

    @Override
    public void cellEnded() {
        Listener l = listener;
        if (l != null) l.cellEnded();
    }

    private void register(SnippetLines lines, boolean aboutToRun) {
        LOG.fine(() -> lines.className() + (aboutToRun ? " runs" : " compiled") + ": class line -> cell line "
                + java.util.Arrays.toString(lines.cellLines()));
        cells.putIfAbsent(pathOf(lines.cellCode()), lines.cellCode());
        classes.put(lines.className(), lines);
        Matcher m = SNIPPET.matcher(lines.className());
        if (m.matches() && !aboutToRun) newestOfSnippet.put(m.group(1), lines);
        Listener l = listener;
        if (l != null) l.mapped(lines, aboutToRun);
    }
}
