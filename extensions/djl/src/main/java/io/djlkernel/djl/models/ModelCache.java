package io.djlkernel.djl.models;

import io.djlkernel.djl.training.ProgressBar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A local copy of model files from slow mounts (ossfs, NFS), read once: keyed by the source's absolute path, size
 * and modification time, so a changed file is copied again. Lives under {@code $DJL_CACHE_DIR/djl-kernel/models}
 * or {@code ~/.djl.ai/djl-kernel/models} ({@code MODEL_CACHE_DIR} overrides both).
 */
public final class ModelCache {
    /** Copies at least this big show a progress bar. */
    public static final long PROGRESS_BYTES = 16L << 20;
    private static final AtomicLong HITS = new AtomicLong();
    private static final AtomicLong MISSES = new AtomicLong();
    private static volatile Path dirOverride;

    private ModelCache() {
    }

    public static Path dir() {
        Path o = dirOverride;
        if (o != null) return o;
        String explicit = setting("MODEL_CACHE_DIR");
        if (explicit != null) return Path.of(explicit);
        String djl = setting("DJL_CACHE_DIR");
        Path base = djl != null ? Path.of(djl) : Path.of(System.getProperty("user.home"), ".djl.ai");
        return base.resolve("djl-kernel").resolve("models");
    }

    /** For tests and for kernels whose home is read-only. */
    public static void setDir(Path dir) {
        dirOverride = dir;
    }

    public static long hits() {
        return HITS.get();
    }

    public static long misses() {
        return MISSES.get();
    }

    private static String setting(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) v = System.getProperty(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** The cache key of a file or folder: its path, total size and newest modification time. */
    static String key(Path source) throws IOException {
        long[] sizeAndTime = sizeAndTime(source);
        String id = source.toAbsolutePath().normalize() + "|" + sizeAndTime[0] + "|" + sizeAndTime[1];
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long[] sizeAndTime(Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            return new long[]{Files.size(source), Files.getLastModifiedTime(source).toMillis()};
        }
        long size = 0;
        long time = Files.getLastModifiedTime(source).toMillis();
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p)) {
                    size += Files.size(p);
                    time = Math.max(time, Files.getLastModifiedTime(p).toMillis());
                }
            }
        }
        return new long[]{size, time};
    }

    /** The entry for {@code source} (a file or folder): copied on a miss, returned as is on a hit. */
    public static Path get(Path source) throws IOException {
        Path entry = dir().resolve(key(source));
        Path target = entry.resolve(source.getFileName().toString());
        if (Files.exists(entry.resolve(".complete"))) {
            HITS.incrementAndGet();
            return target;
        }
        MISSES.incrementAndGet();
        Files.createDirectories(entry);
        long total = sizeAndTime(source)[0];
        ProgressBar bar = total >= PROGRESS_BYTES ? new ProgressBar().unit("MiB") : null;
        if (bar != null) bar.reset("reading " + source.getFileName(), total >> 20, "from " + source.getParent());
        long[] copied = {0};
        if (Files.isDirectory(source)) {
            deleteTree(target);
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    Files.createDirectories(target.resolve(source.relativize(d).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    copy(f, target.resolve(source.relativize(f).toString()), bar, copied);
                    return FileVisitResult.CONTINUE;
                }
            });
        } else {
            copy(source, target, bar, copied);
        }
        if (bar != null) bar.end();
        Files.writeString(entry.resolve(".complete"), source.toAbsolutePath() + "\n");
        return target;
    }

    private static void copy(Path from, Path to, ProgressBar bar, long[] copied) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".part");
        try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                copied[0] += n;
                if (bar != null) bar.update(copied[0] >> 20, null);
            }
        }
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(q);
        }
    }

    /** Deletes every entry; returns how many. */
    public static int clear() throws IOException {
        Path d = dir();
        if (!Files.isDirectory(d)) return 0;
        int n = 0;
        try (Stream<Path> entries = Files.list(d)) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                deleteTree(e);
                n++;
            }
        }
        return n;
    }
}
