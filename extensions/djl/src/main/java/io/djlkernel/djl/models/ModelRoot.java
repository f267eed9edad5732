package io.djlkernel.djl.models;

import java.nio.file.Path;

/**
 * Where relative model paths resolve: {@code %models --root DIR} (set from the notebook), else the
 * {@code MODEL_ROOT} environment variable (the image mounts /models there), else {@code ./models} relative to
 * the kernel's working directory.
 */
public final class ModelRoot {
    private static volatile Path override;

    private ModelRoot() {
    }

    public static Path get() {
        Path o = override;
        if (o != null) return o;
        String env = System.getenv("MODEL_ROOT");
        if (env == null || env.isBlank()) env = System.getProperty("MODEL_ROOT");
        if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath().normalize();
        return Path.of("models").toAbsolutePath().normalize();
    }

    /** Where the root came from, for messages: "%models --root", "MODEL_ROOT" or "default ./models". */
    public static String origin() {
        if (override != null) return "%models --root";
        String env = System.getenv("MODEL_ROOT");
        if ((env != null && !env.isBlank()) || System.getProperty("MODEL_ROOT") != null) return "MODEL_ROOT";
        return "default ./models (MODEL_ROOT is not set)";
    }

    /** Sets the root for this kernel (null: back to MODEL_ROOT / ./models). */
    public static void set(Path root) {
        override = root == null ? null : root.toAbsolutePath().normalize();
    }

    /** {@code path} as given when absolute, else against the root. */
    public static Path resolve(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) return p.normalize();
        return get().resolve(p).normalize();
    }
}
