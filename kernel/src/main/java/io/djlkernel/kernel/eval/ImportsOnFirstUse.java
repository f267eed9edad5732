package io.djlkernel.kernel.eval;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The imports every cell has (java.util.*, DJL's packages, the display functions...), made the first time a cell
 * names something one of them brings. JShell compiles each import as a snippet of its own and puts every active
 * import into every later compilation: sixty of them made kernel start-up wait about a second before the first
 * cell, and each cell's compile slower. A name is found by its text in the cell (strings and comments left out),
 * so its import is made before the first compile that could need it. A package's class is imported by name (a
 * star import made mid-notebook would make JShell recompile every earlier snippet), and not where the session or
 * the cell has a class of that name, which a star import would have let win.
 */
final class ImportsOnFirstUse {
    private static final Pattern IMPORT = Pattern.compile(
            "\\s*import\\s+(static\\s+)?([\\w$]+(?:\\s*\\.\\s*[\\w$]+)*)(\\s*\\.\\s*\\*)?\\s*;?\\s*");
    /**
     * Text blocks, strings, chars and comments are skipped; what is left of a cell's words are names. A name after a
     * dot ({@code ai.djl.ndarray.NDArray}, {@code x.Shape}) is qualified: no import resolves it.
     */
    private static final Pattern WORDS = Pattern.compile(CellNames.COMMENTS_AND_STRINGS.pattern()
            + "|(?<!\\.\\s{0,8})([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)");

    private final Supplier<ClassLoader> loader;
    private final Supplier<List<String>> classPath;
    /** The import lines added, each with the names it brings (null until first needed: computed lazily). */
    private final Map<String, Set<String>> lines = new LinkedHashMap<>();
    /** Names imported already, or left to the user's own declaration. */
    private final Set<String> made = new HashSet<>();
    private Map<String, NameImport> declarationByName;
    private Set<String> javaLang;
    /** Listing the class path takes a few hundred ms on a cold JVM: it starts at once, on a thread of its own. */
    private CompletableFuture<PackageIndex> packages;

    /**
     * @param loader    loads the classes of static imports (the cells' class loader)
     * @param classPath the jars and folders cells compile against besides the JDK (read when names are needed)
     */
    ImportsOnFirstUse(Supplier<ClassLoader> loader, Supplier<List<String>> classPath) {
        this.loader = loader;
        this.classPath = classPath;
        this.packages = listClassPath();
    }

    private CompletableFuture<PackageIndex> listClassPath() {
        CompletableFuture<PackageIndex> listed = new CompletableFuture<>();
        Thread lister = new Thread(() -> {
            try {
                PackageIndex index = new PackageIndex(classPath.get());
                index.classPathNames();
                listed.complete(index);
            } catch (RuntimeException | Error e) {
                listed.completeExceptionally(e);
            }
        }, "djl-kernel-import-index");
        lister.setDaemon(true);
        lister.start();
        return listed;
    }

    /** @throws IllegalArgumentException for a line that is not a single import declaration */
    synchronized void add(String importLine) {
        if (!IMPORT.matcher(importLine).matches()) {
            throw new IllegalArgumentException("not an import declaration: " + importLine);
        }
        lines.putIfAbsent(normalized(importLine), null);
        declarationByName = null;
    }

    /**
     * Takes a cell's own on-demand import ({@code import java.nio.*;}) to be made on first use like the defaults, when
     * the package is known here (else the cell compiles it, and javac says what is wrong). Made as a snippet it would
     * be part of every later compile, and made mid-notebook it makes JShell recompile every earlier snippet. Names
     * already imported keep their import, as single-type imports beat on-demand ones; a single-type or static import
     * is left to the cell: it replaces an earlier import of the same name at once.
     */
    synchronized boolean addIfOnDemandAndKnown(String importLine) {
        Matcher m = IMPORT.matcher(importLine);
        if (!m.matches() || m.group(1) != null || m.group(3) == null) return false;
        String line = normalized(importLine);
        if (lines.containsKey(line)) return true;
        Set<String> names = namesBroughtBy(line);
        if (names.isEmpty()) return false;
        lines.put(line, names);
        declarationByName = null;
        return true;
    }

    /**
     * Whether an import must be made at once instead: a static on-demand import. Made later, JShell would recompile
     * every earlier snippet (it cannot tell which names a star import affects), and one made per name would make a
     * cell's own method of the same name ambiguous.
     */
    static boolean isMadeAtOnce(String importLine) {
        Matcher m = IMPORT.matcher(importLine);
        return m.matches() && m.group(1) != null && m.group(3) != null;
    }

    /**
     * Whether {@code source} is one of the imports added here (a notebook that starts with the same imports as the
     * defaults, as d2l-java's do): its names are imported as cells use them, so it needs no snippet of its own.
     */
    synchronized boolean provides(String source) {
        String line = normalized(source);
        return lines.containsKey(line) && !isMadeAtOnce(line);
    }

    /** "import  a.b.*" and "import a.b.*;" alike: one space between words, a final semicolon. */
    private static String normalized(String importLine) {
        String line = importLine.strip().replaceAll("\\s+", " ").replaceAll(" ?([.;*]) ?", "$1");
        return line.endsWith(";") ? line : line + ";";
    }

    /** The class path changed (a jar added): packages may hold more names now. */
    synchronized void classPathChanged() {
        packages = listClassPath();
        lines.replaceAll((line, names) -> null);
        declarationByName = null;
    }

    /** One import to make: the name it brings and the single import declaration that brings just that name. */
    record NameImport(String name, String declaration, boolean fromPackage) {
    }

    /**
     * The imports {@code code} needs that are not made yet, each given once. A name from a package (an on-demand
     * import) is imported by a single-type import, which JShell applies to the snippets that use that name only (a
     * star import made now would recompile every earlier snippet, resetting variables whose class changes), and
     * only when {@code ownedByUser} says the session or the cell does not declare or import that name itself: a
     * star import would have let the user's own class win.
     */
    synchronized List<NameImport> takeNeededBy(String code, Predicate<String> ownedByUser) {
        if (lines.isEmpty()) return List.of();
        Map<String, NameImport> byName = index();
        List<NameImport> needed = new ArrayList<>();
        Matcher m = WORDS.matcher(code);
        while (m.find()) {
            String word = m.group(1);
            if (word == null || made.contains(word)) continue;
            NameImport candidate = byName.get(word);
            if (candidate == null || (candidate.fromPackage() && ownedByUser.test(word))) continue;
            made.add(word);
            needed.add(candidate);
        }
        return needed;
    }

    /** Names the imports not made yet bring that start with {@code prefix} (completion offers them). */
    synchronized List<String> namesStartingWith(String prefix) {
        if (lines.isEmpty() || prefix.isEmpty()) return List.of();
        List<String> names = new ArrayList<>();
        index().forEach((name, candidate) -> {
            if (name.startsWith(prefix) && !made.contains(name)) names.add(name);
        });
        names.sort(null);
        return names;
    }

    private Map<String, NameImport> index() {
        if (declarationByName != null) return declarationByName;
        Map<String, NameImport> byName = new HashMap<>();
        // single imports first: as in Java, they win over on-demand ones
        for (boolean single : new boolean[]{true, false}) {
            for (Map.Entry<String, Set<String>> entry : lines.entrySet()) {
                Matcher m = IMPORT.matcher(entry.getKey());
                if (!m.matches() || (m.group(3) == null) != single || isMadeAtOnce(entry.getKey())) continue;
                Set<String> names = entry.getValue();
                if (names == null) {
                    names = namesBroughtBy(entry.getKey());
                    entry.setValue(names);
                }
                String qualifier = m.group(2).replaceAll("\\s+", "");
                for (String name : names) {
                    if (byName.containsKey(name)) continue;
                    if (single) {
                        byName.put(name, new NameImport(name, entry.getKey(), false));
                    } else if (!javaLangNames().contains(name)) { // java.lang's class wins, as with a star import
                        byName.put(name, new NameImport(name, "import " + qualifier + "." + name + ";", true));
                    }
                }
            }
        }
        declarationByName = byName;
        return byName;
    }

    private Set<String> javaLangNames() {
        if (javaLang == null) javaLang = PackageIndex.jdkNames("java.lang");
        return javaLang;
    }

    private Set<String> namesBroughtBy(String importLine) {
        Matcher m = IMPORT.matcher(importLine);
        if (!m.matches()) return Set.of();
        boolean isStatic = m.group(1) != null;
        String name = m.group(2).replaceAll("\\s+", "");
        boolean onDemand = m.group(3) != null;
        if (!onDemand) return Set.of(name.substring(name.lastIndexOf('.') + 1));
        if (!isStatic) return packageIndex().simpleNames(name);
        return staticMemberNames(name);
    }

    private Set<String> staticMemberNames(String className) {
        Set<String> names = new HashSet<>();
        try {
            Class<?> type = Class.forName(className, false, loader.get());
            for (Member member : type.getMethods()) addIfStatic(names, member);
            for (Member member : type.getFields()) addIfStatic(names, member);
            for (Class<?> nested : type.getClasses()) {
                if (Modifier.isStatic(nested.getModifiers())) names.add(nested.getSimpleName());
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // javac will say what is wrong with the import when a cell makes it; until then it brings nothing
        }
        return names;
    }

    private static void addIfStatic(Set<String> names, Member member) {
        if (Modifier.isStatic(member.getModifiers())) names.add(member.getName());
    }

    private PackageIndex packageIndex() {
        try {
            return packages.join();
        } catch (RuntimeException e) {
            packages = CompletableFuture.completedFuture(new PackageIndex(List.of())); // the JDK's packages still work
            return packages.join();
        }
    }

    /** The simple names of the top-level classes of a package, from the JDK's modules and the class path. */
    static final class PackageIndex {
        private final List<String> classPath;
        private Map<String, Set<String>> jarNames;

        PackageIndex(List<String> classPath) {
            this.classPath = classPath;
        }

        Set<String> simpleNames(String packageName) {
            Set<String> names = new HashSet<>(jdkNames(packageName));
            names.addAll(classPathNames().getOrDefault(packageName, Set.of()));
            return names;
        }

        static Set<String> jdkNames(String packageName) {
            Set<String> names = new HashSet<>();
            try {
                FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
                Path modules = jrt.getPath("/packages", packageName);
                if (!Files.isDirectory(modules)) return names;
                try (DirectoryStream<Path> links = Files.newDirectoryStream(modules)) {
                    for (Path link : links) {
                        Path dir = jrt.getPath("/modules", link.getFileName().toString(), packageName.replace('.', '/'));
                        try (Stream<Path> files = Files.list(dir)) {
                            files.forEach(f -> addClassName(names, f.getFileName().toString()));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no jrt file system (an exploded JDK): the JDK's packages bring no names here
            }
            return names;
        }

        synchronized Map<String, Set<String>> classPathNames() {
            if (jarNames != null) return jarNames;
            Map<String, Set<String>> byPackage = new HashMap<>();
            for (String entry : classPath) {
                if (entry.isBlank()) continue;
                File file = new File(entry);
                if (file.isDirectory()) {
                    indexFolder(file.toPath(), byPackage);
                } else if (file.isFile()) {
                    indexJar(file, byPackage);
                }
            }
            jarNames = byPackage;
            return byPackage;
        }

        private static void indexJar(File jar, Map<String, Set<String>> byPackage) {
            try (ZipFile zip = new ZipFile(jar)) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) addEntry(entries.nextElement().getName(), byPackage);
            } catch (IOException e) {
                // an unreadable jar: javac reports it when a cell compiles against it
            }
        }

        private static void indexFolder(Path folder, Map<String, Set<String>> byPackage) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.filter(Files::isRegularFile)
                        .forEach(f -> addEntry(folder.relativize(f).toString().replace(File.separatorChar, '/'), byPackage));
            } catch (IOException e) {
                // as for a jar
            }
        }

        private static void addEntry(String path, Map<String, Set<String>> byPackage) {
            if (!path.endsWith(".class") || path.startsWith("META-INF/")) return;
            int slash = path.lastIndexOf('/');
            if (slash < 0) return;
            String packageName = path.substring(0, slash).replace('/', '.');
            addClassName(byPackage.computeIfAbsent(packageName, p -> new HashSet<>()), path.substring(slash + 1));
        }

        private static void addClassName(Set<String> names, String fileName) {
            if (!fileName.endsWith(".class") || fileName.indexOf('$') >= 0) return;
            String name = fileName.substring(0, fileName.length() - ".class".length());
            if (!name.equals("package-info") && !name.equals("module-info")) names.add(name);
        }
    }
}
