package io.djlkernel.kernel.deps;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the file patterns of {@code %jars} and {@code %classpath}: relative to a working folder, {@code ~} for the
 * home folder, glob syntax of {@link java.nio.file.FileSystem#getPathMatcher} ({@code *}, {@code ?}, {@code **},
 * {@code {a,b}}, {@code [abc]}). A pattern that matches nothing is an error that names it.
 */
public final class ClasspathGlobs {
    private ClasspathGlobs() {
    }

    /** What {@code %jars} adds: jar files; a folder stands for the jars directly in it. */
    public static List<Path> jars(List<String> patterns, Path workingDirectory) {
        Set<Path> out = new LinkedHashSet<>();
        for (String pattern : patterns) {
            List<Path> found = new ArrayList<>();
            for (Path p : expand(pattern, workingDirectory)) {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> s = Files.list(p)) {
                        s.filter(ClasspathGlobs::isJar).sorted().forEach(found::add);
                    } catch (IOException e) {
                        throw new IllegalArgumentException("cannot list " + p + ": " + e.getMessage(), e);
                    }
                } else if (isJar(p)) {
                    found.add(p);
                }
            }
            if (found.isEmpty()) throw new IllegalArgumentException("no jar matches " + pattern + " (in " + workingDirectory + ")");
            out.addAll(found);
        }
        return new ArrayList<>(out);
    }

    /** What {@code %classpath} adds: jar files and class folders; {@code :}-separated lists are accepted too. */
    public static List<Path> classpath(List<String> patterns, Path workingDirectory) {
        Set<Path> out = new LinkedHashSet<>();
        for (String arg : patterns) {
            for (String pattern : arg.split(java.io.File.pathSeparator)) {
                if (pattern.isEmpty()) continue;
                List<Path> found = new ArrayList<>();
                for (Path p : expand(pattern, workingDirectory)) {
                    if (Files.isDirectory(p) || isJar(p)) found.add(p);
                }
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("no jar or folder matches " + pattern + " (in " + workingDirectory + ")");
                }
                out.addAll(found);
            }
        }
        return new ArrayList<>(out);
    }

    static boolean isJar(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return Files.isRegularFile(p) && (name.endsWith(".jar") || name.endsWith(".zip"));
    }

    /** The existing files and folders {@code pattern} names, sorted; empty if none. */
    static List<Path> expand(String pattern, Path workingDirectory) {
        String p = pattern;
        if (p.equals("~") || p.startsWith("~/")) p = System.getProperty("user.home") + p.substring(1);
        int glob = firstGlobChar(p);
        if (glob < 0) {
            Path path = workingDirectory.resolve(p).normalize();
            return Files.exists(path) ? List.of(path) : List.of();
        }
        int slash = p.lastIndexOf('/', glob);
        String base = slash < 0 ? "" : p.substring(0, slash + 1);
        String rest = slash < 0 ? p : p.substring(slash + 1);
        Path root = base.isEmpty() ? workingDirectory : workingDirectory.resolve(base).normalize();
        if (!Files.isDirectory(root)) return List.of();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        int depth = rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length;
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root, depth, EnumSet.of(FileVisitOption.FOLLOW_LINKS).toArray(new FileVisitOption[0]))) {
            s.filter(f -> !f.equals(root)).filter(f -> matcher.matches(root.relativize(f))).sorted().forEach(out::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("cannot list " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static int firstGlobChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') return i;
        }
        return -1;
    }
}
