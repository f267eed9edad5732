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
 * The libraries the kernel itself ships, as {@code groupId:artifactId -> version}. Three sources, first wins:
 * <ol>
 *   <li>{@code shipped-artifacts.txt}, written by the kernel's Maven build ({@code dependency:list}): every artifact
 *   shaded into the kernel jar, also the ones whose jars carry no Maven metadata (DJL's and JNA's jars are not
 *   built with Maven, and the shaded jar merges manifests away);</li>
 *   <li>the {@code META-INF/maven/<g>/<a>/pom.properties} entries of the kernel jar and of every class path jar;</li>
 *   <li>what DJL's own jars contain: {@code ai/djl/engine/api.properties} (ai.djl:api),
 *   {@code pytorch-engine.properties}, {@code jnilib/pytorch.properties} (pytorch-jni) and
 *   {@code native/lib/pytorch.properties} (pytorch-native-&lt;flavor&gt;, also when it comes through the kernel jar's
 *   manifest Class-Path).</li>
 * </ol>
 * A {@code %maven} request for one of them is satisfied by the kernel's copy, which the class loader would pick
 * anyway, instead of a second copy on the class path.
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

    /** Where the kernel's build lists what it shades in (see kernel/pom.xml, execution list-shipped-artifacts). */
    static final String SHIPPED_LIST = "io/djlkernel/kernel/deps/shipped-artifacts.txt";

    /** The kernel's build list, the jar (or class folder) holding the kernel, every entry of {@code java.class.path}. */
    public static ProvidedArtifacts ofKernel() {
        ClassLoader loader = ProvidedArtifacts.class.getClassLoader();
        Map<String, String> found = new LinkedHashMap<>();
        try (InputStream in = loader.getResourceAsStream(SHIPPED_LIST)) {
            if (in != null) found.putAll(parseShippedList(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException ignored) {
            // no build list (a build without the dependency plugin): the other sources remain
        }
        Path kernel = null;
        CodeSource source = ProvidedArtifacts.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            try {
                kernel = Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            } catch (URISyntaxException | IllegalArgumentException ignored) {
                // not a file location: nothing to scan there
            }
        }
        Set<Path> roots = new LinkedHashSet<>();
        // the build's list already names everything shaded into the kernel jar: reading its thousands of entries again
        // would only slow the kernel's start
        if (kernel != null && found.isEmpty()) roots.add(kernel);
        String classPath = System.getProperty("java.class.path", "");
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank() && !Path.of(entry).toAbsolutePath().normalize().equals(kernel)) roots.add(Path.of(entry));
        }
        scan(new ArrayList<>(roots)).asMap().forEach(found::putIfAbsent);
        // the natives jar is on the kernel jar's manifest Class-Path, which java.class.path does not list
        for (String marker : DJL_MARKERS.keySet()) {
            try {
                Enumeration<java.net.URL> urls = loader.getResources(marker);
                while (urls.hasMoreElements()) {
                    try (InputStream in = urls.nextElement().openStream()) {
                        addDjl(marker, in, found);
                    }
                }
            } catch (IOException ignored) {
                // an unreadable marker provides nothing
            }
        }
        return new ProvidedArtifacts(found);
    }

    /**
     * Reads {@code mvn dependency:list} output: lines like {@code "   g:a:jar:1.0:compile -- module m"} or
     * {@code g:a:jar:classifier:1.0:runtime}; only plain jars (no classifier) count, as {@code %maven} asks for those.
     */
    static Map<String, String> parseShippedList(String text) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 0) continue;
            String[] p = words[0].split(":");
            if (p.length == 5 && "jar".equals(p[2])) found.putIfAbsent(p[0] + ":" + p[1], p[3]);
        }
        return found;
    }

    /** DJL's resource files that name the artifact holding them, and the property that gives its version. */
    private static final Map<String, String> DJL_MARKERS = Map.of(
            "ai/djl/engine/api.properties", "djl_version",
            "pytorch-engine.properties", "djl_version",
            "jnilib/pytorch.properties", "jni_version",
            "native/lib/pytorch.properties", "version");

    private static void addDjl(String marker, InputStream in, Map<String, String> found) throws IOException {
        Properties p = new Properties();
        p.load(in);
        String version = p.getProperty(DJL_MARKERS.get(marker));
        if (version == null || version.isBlank()) return;
        version = version.trim();
        switch (marker) {
            case "ai/djl/engine/api.properties" -> found.putIfAbsent("ai.djl:api", version);
            case "pytorch-engine.properties" -> found.putIfAbsent("ai.djl.pytorch:pytorch-engine", version);
            case "jnilib/pytorch.properties" -> found.putIfAbsent("ai.djl.pytorch:pytorch-jni", version);
            default -> {
                // version=2.7.1-20250812 flavor=cpu: the jar is ai.djl.pytorch:pytorch-native-cpu:2.7.1
                String flavor = p.getProperty("flavor");
                if (flavor == null || flavor.isBlank()) return;
                int dash = version.indexOf('-');
                found.putIfAbsent("ai.djl.pytorch:pytorch-native-" + flavor.trim(), dash < 0 ? version : version.substring(0, dash));
            }
        }
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
                if (DJL_MARKERS.containsKey(entry.getName())) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        addDjl(entry.getName(), in, found);
                    }
                    continue;
                }
                if (!ENTRY.matcher(entry.getName()).matches()) continue;
                try (InputStream in = zip.getInputStream(entry)) {
                    add(in, found);
                }
            }
        }
    }

    private static void scanFolder(Path folder, Map<String, String> found) throws IOException {
        for (String marker : DJL_MARKERS.keySet()) {
            Path file = folder.resolve(marker);
            if (!Files.isRegularFile(file)) continue;
            try (InputStream in = Files.newInputStream(file)) {
                addDjl(marker, in, found);
            }
        }
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

    /** The DJL version the kernel loads (ai.djl:api's), or null when it ships no DJL. */
    public String djlVersion() {
        return versions.get("ai.djl:api");
    }

    /** The libtorch version the kernel's DJL runs on (from the natives or the JNI, 2.7.1-0.36.0), or null. */
    public String libtorchVersion() {
        for (Map.Entry<String, String> e : versions.entrySet()) {
            if (e.getKey().startsWith("ai.djl.pytorch:pytorch-native-")) return e.getValue();
        }
        String jni = versions.get("ai.djl.pytorch:pytorch-jni");
        if (jni == null) return null;
        int dash = jni.indexOf('-');
        return dash < 0 ? jni : jni.substring(0, dash);
    }

    public boolean contains(String key) {
        return versions.containsKey(key);
    }

    public Map<String, String> asMap() {
        return versions;
    }

}
