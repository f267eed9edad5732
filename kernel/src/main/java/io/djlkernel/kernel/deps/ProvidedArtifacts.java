package io.djlkernel.kernel.deps;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The libraries the kernel itself ships, as {@code groupId:artifactId -> version}. Found at run time from the
 * {@code META-INF/maven/<g>/<a>/pom.properties} entries that the shade plugin keeps in the kernel jar (and that
 * every Maven-built jar on the class path carries). A {@code %maven} request for one of them is satisfied by the
 * kernel's copy, which the class loader would pick anyway, instead of a second copy on the class path.
 */
public final class ProvidedArtifacts {
    private static final Pattern ENTRY = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");

    private final Map<String, String> versions;

    public ProvidedArtifacts(Map<String, String> versions) {
        this.versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }

    public static ProvidedArtifacts none() {
        return new ProvidedArtifacts(Map.of());
    }

    /** The jar (or class folder) holding the kernel, and every entry of {@code java.class.path}. */
    public static ProvidedArtifacts ofKernel() {
        Set<Path> roots = new LinkedHashSet<>();
        CodeSource source = ProvidedArtifacts.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            try {
                roots.add(Path.of(source.getLocation().toURI()));
            } catch (URISyntaxException | IllegalArgumentException ignored) {
                // not a file location: nothing to scan there
            }
        }
        String classPath = System.getProperty("java.class.path", "");
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) roots.add(Path.of(entry));
        }
        return scan(new ArrayList<>(roots));
    }

    /** Reads the pom.properties entries of the given jars and class folders (missing ones are skipped). */
    public static ProvidedArtifacts scan(List<Path> jarsOrFolders) {
        Map<String, String> found = new LinkedHashMap<>();
        for (Path root : jarsOrFolders) {
            try {
                if (Files.isDirectory(root)) scanFolder(root, found);
                else if (Files.isRegularFile(root)) scanJar(root, found);
            } catch (IOException | RuntimeException ignored) {
                // an unreadable class path entry provides nothing
            }
        }
        return new ProvidedArtifacts(found);
    }

    private static void scanJar(Path jar, Map<String, String> found) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (!ENTRY.matcher(entry.getName()).matches()) continue;
                try (InputStream in = zip.getInputStream(entry)) {
                    add(in, found);
                }
            }
        }
    }

    private static void scanFolder(Path folder, Map<String, String> found) throws IOException {
        Path maven = folder.resolve("META-INF/maven");
        if (!Files.isDirectory(maven)) return;
        try (DirectoryStream<Path> groups = Files.newDirectoryStream(maven)) {
            for (Path group : groups) {
                if (!Files.isDirectory(group)) continue;
                try (DirectoryStream<Path> artifacts = Files.newDirectoryStream(group)) {
                    for (Path artifact : artifacts) {
                        Path props = artifact.resolve("pom.properties");
                        if (!Files.isRegularFile(props)) continue;
                        try (InputStream in = Files.newInputStream(props)) {
                            add(in, found);
                        }
                    }
                }
            }
        }
    }

    private static void add(InputStream in, Map<String, String> found) throws IOException {
        Properties p = new Properties();
        p.load(in);
        String g = p.getProperty("groupId");
        String a = p.getProperty("artifactId");
        String v = p.getProperty("version");
        if (g == null || a == null || v == null) return;
        found.putIfAbsent(g.trim() + ":" + a.trim(), v.trim());
    }

    /** The kernel's version of {@code groupId:artifactId}, or null. */
    public String version(String key) {
        return versions.get(key);
    }

    public boolean contains(String key) {
        return versions.containsKey(key);
    }

    public Map<String, String> asMap() {
        return versions;
    }

}
