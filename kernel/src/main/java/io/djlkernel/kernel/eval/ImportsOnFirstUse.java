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
 * so an import is made before the first compile that could need it, and the cell sees what it would have seen with
 * all of them made at start. Star imports stay star imports, so a cell's own classes still win over them.
 */
final class ImportsOnFirstUse {
    private static final Pattern IMPORT = Pattern.compile(
            "\\s*import\\s+(static\\s+)?([\\w$]+(?:\\s*\\.\\s*[\\w$]+)*)(\\s*\\.\\s*\\*)?\\s*;?\\s*");
    /** Text blocks, strings, chars and comments are skipped; what is left of a cell's words are names. */
    private static final Pattern WORDS = Pattern.compile(
            "\"\"\"[\\s\\S]*?(?:\"\"\"|$)|\"(?:\\\\.|[^\"\\\\\\n])*\"?|'(?:\\\\.|[^'\\\\\\n])*'?|//[^\\n]*|/\\*[\\s\\S]*?(?:\\*/|$)"
                    + "|([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)");

    private final Supplier<ClassLoader> loader;
    private final Supplier<List<String>> classPath;
    /** Import lines not made yet, each with the names it brings (null until first needed: computed lazily). */
    private final Map<String, Set<String>> pending = new LinkedHashMap<>();
    private Map<String, List<String>> importsByName;
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
        pending.putIfAbsent(importLine.strip(), null);
        importsByName = null;
    }

    /** The class path changed (a jar added): packages may hold more names now. */
    synchronized void classPathChanged() {
        packages = listClassPath();
        pending.replaceAll((line, names) -> null);
        importsByName = null;
    }

    /** The imports not made yet that {@code code} may need, in the order they were added; each is given once. */
    synchronized List<String> takeNeededBy(String code) {
        if (pending.isEmpty()) return List.of();
        Set<String> lines = new HashSet<>();
        Map<String, List<String>> byName = index();
        Matcher m = WORDS.matcher(code);
        while (m.find()) {
            String word = m.group(1);
            if (word == null) continue;
            List<String> imports = byName.get(word);
            if (imports != null) lines.addAll(imports);
        }
        return take(lines);
    }

    /** The imports not made yet that bring a name starting with {@code prefix} (for completion). */
    synchronized List<String> takeStartingWith(String prefix) {
        if (pending.isEmpty() || prefix.isEmpty()) return List.of();
        Set<String> lines = new HashSet<>();
        index().forEach((name, imports) -> {
            if (name.startsWith(prefix)) lines.addAll(imports);
        });
        return take(lines);
    }

    /** Every import not made yet (a cell that asks for all of them, e.g. to list what is in scope). */
    synchronized List<String> takeAll() {
        return take(new HashSet<>(pending.keySet()));
    }

    private List<String> take(Set<String> lines) {
        if (lines.isEmpty()) return List.of();
        List<String> ordered = new ArrayList<>();
        for (String line : pending.keySet()) {
            if (lines.contains(line)) ordered.add(line);
        }
        ordered.forEach(pending::remove);
        importsByName = null;
        return ordered;
    }

    private Map<String, List<String>> index() {
        if (importsByName != null) return importsByName;
        Map<String, List<String>> byName = new HashMap<>();
        for (Map.Entry<String, Set<String>> entry : pending.entrySet()) {
            Set<String> names = entry.getValue();
            if (names == null) {
                names = namesBroughtBy(entry.getKey());
                entry.setValue(names);
            }
            for (String name : names) byName.computeIfAbsent(name, n -> new ArrayList<>(1)).add(entry.getKey());
        }
        importsByName = byName;
        return byName;
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

        private static Set<String> jdkNames(String packageName) {
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
