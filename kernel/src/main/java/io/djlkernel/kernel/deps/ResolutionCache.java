package io.djlkernel.kernel.deps;

import com.google.gson.Gson;
import com.google.gson.JsonSyntaxException;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.RemoteRepository;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What earlier resolutions gave (jars, notices), kept in the local repository beside the jars, so that a fresh
 * kernel answers the same {@code %maven} without starting Maven Resolver. Cold, the resolver costs a second or
 * more (loading and interpreting its classes) even when every jar is already local, more than the cells around it:
 * every notebook of the d2l-java book starts with the same three {@code %maven} lines.
 *
 * <p>Only requests that cannot resolve differently later are kept (every version fixed: no SNAPSHOT, range,
 * LATEST or RELEASE), under a key made of everything the answer depends on (the request, the repositories, the
 * local repository, offline or not, the kernel's own libraries, what earlier calls of this session added). An
 * answer is used only while every file it names is still there; anything unreadable is a miss.
 */
final class ResolutionCache {
    static final String FOLDER = ".djl-kernel-resolutions";
    private static final int FORMAT = 1;
    private static final Logger LOG = Logger.getLogger(ResolutionCache.class.getName());
    private static final Gson GSON = new Gson();

    private ResolutionCache() {
    }

    /** Where answers for this local repository are kept. */
    static Path folder(Path localRepository) {
        return localRepository.resolve(FOLDER);
    }

    /** The key of a request, or empty when its answer may change later (a version that is not fixed). */
    static Optional<String> key(List<Dependency> wanted, List<Dependency> managed, List<RemoteRepository> repositories,
                                Path localRepository, boolean offline, Map<String, String> provided,
                                Map<String, String> onClassPath) {
        StringBuilder text = new StringBuilder("format ").append(FORMAT).append('\n');
        for (Dependency d : wanted) {
            if (!fixed(d.getArtifact().getVersion())) return Optional.empty();
            text.append("want ").append(describe(d)).append('\n');
        }
        for (Dependency d : managed) text.append("managed ").append(describe(d)).append('\n');
        for (RemoteRepository r : repositories) {
            text.append("repo ").append(r.getId()).append(' ').append(r.getUrl()).append(' ')
                    .append(r.getPolicy(false).isEnabled()).append(r.getPolicy(true).isEnabled()).append('\n');
        }
        text.append("local ").append(localRepository.toAbsolutePath().normalize()).append('\n');
        text.append("offline ").append(offline).append('\n');
        new TreeMap<>(provided).forEach((k, v) -> text.append("kernel ").append(k).append(' ').append(v).append('\n'));
        new TreeMap<>(onClassPath).forEach((k, v) -> text.append("earlier ").append(k).append(' ').append(v).append('\n'));
        return Optional.of(sha256(text.toString()));
    }

    /** The answer kept for {@code key}, if there is one and every file it names is still there. */
    static Optional<MavenResolver.Resolution> get(Path folder, String key) {
        Path file = folder.resolve(key + ".json");
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            Stored stored = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Stored.class);
            if (stored == null || stored.format != FORMAT || stored.files == null || stored.notices == null
                    || stored.artifacts == null) {
                return Optional.empty();
            }
            List<Path> files = new ArrayList<>();
            for (String f : stored.files) {
                Path p = Path.of(f);
                if (!Files.exists(p)) return Optional.empty();
                files.add(p);
            }
            List<Artifact> artifacts = new ArrayList<>();
            for (StoredArtifact a : stored.artifacts) {
                Path p = Path.of(a.path);
                if (!Files.exists(p)) return Optional.empty();
                artifacts.add(new DefaultArtifact(a.groupId, a.artifactId, a.classifier, a.extension, a.version).setPath(p));
            }
            return Optional.of(new MavenResolver.Resolution(files, new ArrayList<>(stored.notices), artifacts));
        } catch (IOException | JsonSyntaxException | IllegalArgumentException e) {
            LOG.log(Level.FINE, "unreadable resolution cache entry " + file + ": resolving again", e);
            return Optional.empty();
        }
    }

    /** Keeps an answer; a cache that cannot be written only costs the next kernel a resolution. */
    static void put(Path folder, String key, MavenResolver.Resolution resolution) {
        Stored stored = new Stored();
        stored.format = FORMAT;
        stored.files = resolution.files().stream().map(p -> p.toAbsolutePath().toString()).toList();
        stored.notices = List.copyOf(resolution.notices());
        List<StoredArtifact> artifacts = new ArrayList<>();
        for (Artifact a : resolution.artifacts()) {
            if (a.getPath() == null) return; // nothing to check a later hit against: keep nothing
            StoredArtifact s = new StoredArtifact();
            s.groupId = a.getGroupId();
            s.artifactId = a.getArtifactId();
            s.classifier = a.getClassifier();
            s.extension = a.getExtension();
            s.version = a.getVersion();
            s.path = a.getPath().toAbsolutePath().toString();
            artifacts.add(s);
        }
        stored.artifacts = artifacts;
        try {
            Files.createDirectories(folder);
            Path tmp = Files.createTempFile(folder, key, ".tmp");
            Files.writeString(tmp, GSON.toJson(stored), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, folder.resolve(key + ".json"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, folder.resolve(key + ".json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "could not keep a resolution in " + folder, e);
        }
    }

    /** A version that names one release for good. */
    static boolean fixed(String version) {
        if (version == null || version.isBlank()) return false;
        if (version.endsWith("-SNAPSHOT") || version.equals("LATEST") || version.equals("RELEASE")) return false;
        return version.chars().noneMatch(c -> c == '[' || c == '(' || c == ',' || c == ']' || c == ')');
    }

    private static String describe(Dependency d) {
        Artifact a = d.getArtifact();
        StringBuilder s = new StringBuilder(a.getGroupId()).append(':').append(a.getArtifactId()).append(':')
                .append(a.getExtension()).append(':').append(a.getClassifier()).append(':').append(a.getVersion())
                .append(' ').append(d.getScope()).append(' ').append(d.isOptional());
        for (Exclusion e : d.getExclusions()) {
            s.append(" -").append(e.getGroupId()).append(':').append(e.getArtifactId()).append(':')
                    .append(e.getClassifier()).append(':').append(e.getExtension());
        }
        return s.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Stored {
        int format;
        List<String> files;
        List<String> notices;
        List<StoredArtifact> artifacts;
    }

    private static final class StoredArtifact {
        String groupId;
        String artifactId;
        String classifier;
        String extension;
        String version;
        String path;
    }
}
