package io.djlkernel.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends java.util.logging to a file and nowhere else: the default console handler writes to System.err,
 * which becomes cell output once the kernel routes it. {@code DJL_KERNEL_LOG_DIR} picks the folder (default
 * {@code ${java.io.tmpdir}/djl-kernel}), {@code DJL_KERNEL_LOG_LEVEL} the level (default INFO).
 */
public final class KernelLogging {
    private KernelLogging() {
    }

    /** Configures logging once; returns the log file, or null when none could be opened (logs are then off). */
    public static Path configure() {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) root.removeHandler(handler);
        Level level = parseLevel(System.getenv("DJL_KERNEL_LOG_LEVEL"));
        root.setLevel(level);
        String dir = System.getenv("DJL_KERNEL_LOG_DIR");
        Path folder = dir != null && !dir.isBlank() ? Paths.get(dir)
                : Paths.get(System.getProperty("java.io.tmpdir"), "djl-kernel");
        Path file = folder.resolve("kernel-" + ProcessHandle.current().pid() + ".log");
        try {
            Files.createDirectories(folder);
            FileHandler handler = new FileHandler(file.toString(), false);
            handler.setFormatter(new LineFormatter());
            handler.setLevel(level);
            root.addHandler(handler);
            return file;
        } catch (IOException | RuntimeException e) {
            root.setLevel(Level.OFF);
            return null;
        }
    }

    private static Level parseLevel(String name) {
        if (name == null || name.isBlank()) return Level.INFO;
        try {
            return Level.parse(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }

    private static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder line = new StringBuilder(128)
                    .append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(r.getLevel()).append(' ')
                    .append(r.getLoggerName()).append(" [").append(Thread.currentThread().getName()).append("] ")
                    .append(formatMessage(r)).append(System.lineSeparator());
            if (r.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }
    }
}
