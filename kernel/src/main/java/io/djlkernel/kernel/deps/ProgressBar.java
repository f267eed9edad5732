package io.djlkernel.kernel.deps;

import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.MimeBundle;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A {@link DownloadListener} that shows one text line, updated in place: a bar, bytes, files and the current file.
 * Nothing is shown until a download starts, so a resolution served by the local repository stays silent.
 * Updates are throttled; the line ends as a summary ("Downloaded 3 files (1.2 MB) in 0.8 s").
 */
public final class ProgressBar implements DownloadListener {
    /** Where the line goes: the kernel's updatable display, or (outside the kernel) a stream. */
    public interface Output {
        /** Shows a new line; returns a handle for {@link #update}. */
        String show(String text);

        void update(String handle, String text);
    }

    private static final int WIDTH = 30;
    private static final long INTERVAL_NANOS = 150_000_000L;

    private final Output output;
    private final LongSupplier clock;
    private final Map<String, long[]> transfers = new LinkedHashMap<>(); // resource -> {bytes, total, done}
    private String handle;
    private String current = "";
    private long startNanos;
    private long lastUpdate;
    private int failed;

    public ProgressBar(Output output) {
        this(output, System::nanoTime);
    }

    ProgressBar(Output output, LongSupplier clock) {
        this.output = output;
        this.clock = clock;
    }

    /** The kernel's display (one updatable text output); if no display is bound, prints only the summary to {@code out}. */
    public static ProgressBar toDisplay(PrintStream fallback) {
        return new ProgressBar(new DisplayOutput(fallback));
    }

    @Override
    public synchronized void started(String resource, String repository, long totalBytes) {
        transfers.put(resource, new long[] {0, totalBytes, 0});
        current = fileName(resource);
        if (handle == null) {
            startNanos = clock.getAsLong();
            lastUpdate = startNanos;
            handle = output.show(render());
        } else {
            maybeUpdate();
        }
    }

    @Override
    public synchronized void progressed(String resource, long bytesSoFar, long totalBytes) {
        long[] t = transfers.get(resource);
        if (t == null) return;
        t[0] = bytesSoFar;
        if (totalBytes > 0) t[1] = totalBytes;
        current = fileName(resource);
        maybeUpdate();
    }

    @Override
    public synchronized void done(String resource, long bytes, Exception failure) {
        long[] t = transfers.get(resource);
        if (t == null) return;
        if (failure != null) {
            transfers.remove(resource);
            failed++;
        } else {
            t[0] = bytes;
            t[1] = Math.max(t[1], bytes);
            t[2] = 1;
        }
        maybeUpdate();
    }

    @Override
    public synchronized void finished() {
        if (handle == null) return;
        output.update(handle, summary());
    }

    /** Whether anything was shown (a download happened). */
    public synchronized boolean shown() {
        return handle != null;
    }

    private void maybeUpdate() {
        if (handle == null) return;
        long now = clock.getAsLong();
        if (now - lastUpdate < INTERVAL_NANOS) return;
        lastUpdate = now;
        output.update(handle, render());
    }

    synchronized String render() {
        long bytes = 0;
        long total = 0;
        boolean totalKnown = true;
        int done = 0;
        for (long[] t : transfers.values()) {
            bytes += t[0];
            if (t[1] > 0) total += Math.max(t[1], t[0]);
            else totalKnown = false;
            if (t[2] == 1) done++;
        }
        StringBuilder line = new StringBuilder("Downloading ");
        if (totalKnown && total > 0) {
            double fraction = Math.min(1.0, (double) bytes / total);
            int filled = (int) Math.round(fraction * WIDTH);
            line.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%", (int) Math.floor(fraction * 100))).append("  ")
                    .append(size(bytes)).append(" / ").append(size(total));
        } else {
            line.append(size(bytes));
        }
        line.append("  ").append(done).append('/').append(transfers.size()).append(" files  ").append(current);
        return line.toString();
    }

    synchronized String summary() {
        long bytes = 0;
        int files = 0;
        for (long[] t : transfers.values()) {
            if (t[2] == 1) {
                bytes += t[0];
                files++;
            }
        }
        double seconds = (clock.getAsLong() - startNanos) / 1e9;
        String text = String.format(Locale.ROOT, "Downloaded %d file%s (%s) in %.1f s", files, files == 1 ? "" : "s",
                size(bytes), seconds);
        return failed > 0 ? text + ", " + failed + " failed" : text;
    }

    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }

    private static String fileName(String resource) {
        int slash = resource.lastIndexOf('/');
        return slash >= 0 ? resource.substring(slash + 1) : resource;
    }

    /** Display.display / updateDisplay with text/plain; prints only the final line when no display is bound. */
    static final class DisplayOutput implements Output {
        private final PrintStream fallback;
        private final java.util.function.Function<MimeBundle, String> display;
        private final java.util.function.BiConsumer<String, MimeBundle> updateDisplay;
        private boolean bound = true;

        DisplayOutput(PrintStream fallback) {
            this(fallback, Display::display, Display::updateDisplay);
        }

        DisplayOutput(PrintStream fallback, java.util.function.Function<MimeBundle, String> display,
                      java.util.function.BiConsumer<String, MimeBundle> updateDisplay) {
            this.fallback = fallback;
            this.display = display;
            this.updateDisplay = updateDisplay;
        }

        @Override
        public String show(String text) {
            try {
                return display.apply(MimeBundle.text(text));
            } catch (IllegalStateException notInKernel) {
                bound = false;
                return "";
            }
        }

        @Override
        public void update(String handle, String text) {
            if (!bound) {
                if (text.startsWith("Downloaded ")) fallback.println(text);
                return;
            }
            try {
                updateDisplay.accept(handle, MimeBundle.text(text));
            } catch (IllegalStateException notInKernel) {
                bound = false;
            }
        }
    }
}
