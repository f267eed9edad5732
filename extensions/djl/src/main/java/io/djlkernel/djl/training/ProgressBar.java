package io.djlkernel.djl.training;

import ai.djl.util.Progress;
import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.tensors.NDArrayRenderer;

/**
 * DJL's {@link Progress} as a progress bar in the cell's output: shown with {@link Display#display} and
 * redrawn in place with {@link Display#updateDisplay}, at most every {@value #MIN_UPDATE_MILLIS} ms (and
 * always at the start and the end), so a tight loop does not flood the front end.
 */
public final class ProgressBar implements Progress {
    static final long MIN_UPDATE_MILLIS = 100;

    private String displayId;
    private String title = "";
    private String unit = "";
    private long total = -1;
    private long progress;
    private String message;
    private long lastUpdate;
    private long started = System.nanoTime();
    private int updates;
    private boolean ended;

    @Override
    public synchronized void reset(String message, long max, String trailingMessage) {
        this.title = message == null ? "" : message;
        this.total = max;
        this.message = trailingMessage;
        this.progress = 0;
        this.ended = false;
        this.started = System.nanoTime();
        show(true);
    }

    @Override
    public synchronized void start(long initialProgress) {
        progress = initialProgress;
        show(true);
    }

    @Override
    public synchronized void end() {
        if (total > 0) progress = Math.max(progress, total);
        ended = true;
        show(true);
    }

    @Override
    public synchronized void increment(long increment) {
        progress += increment;
        show(false);
    }

    @Override
    public synchronized void update(long p, String additionalMessage) {
        progress = p;
        if (additionalMessage != null) message = additionalMessage;
        show(false);
    }

    /** How many times the display was drawn (bounded by the update rate). */
    public synchronized int updates() {
        return updates;
    }

    public synchronized long progress() {
        return progress;
    }

    /**
     * Changes the total without starting over (unlike {@link #reset}): the rate and ETA keep their start time.
     * Always redrawn, so a total learnt late shows at once.
     */
    public synchronized ProgressBar total(long max) {
        this.total = max;
        show(true);
        return this;
    }

    /** The units shown after the counts, e.g. "batches". */
    public synchronized ProgressBar unit(String u) {
        this.unit = u == null ? "" : " " + u;
        return this;
    }

    private void show(boolean force) {
        long now = System.nanoTime();
        if (!force && displayId != null && (now - lastUpdate) / 1_000_000 < MIN_UPDATE_MILLIS
                && !(total > 0 && progress >= total)) {
            return;
        }
        lastUpdate = now;
        MimeBundle bundle = bundle();
        updates++;
        try {
            if (displayId == null) displayId = Display.display(bundle);
            else Display.updateDisplay(displayId, bundle);
        } catch (IllegalStateException notInKernel) {
            // outside a kernel (plain JVM): nothing to draw on
        }
    }

    /** The bar as text (for logs and text front ends) and as HTML. */
    synchronized MimeBundle bundle() {
        double fraction = total > 0 ? Math.min(1.0, (double) progress / total) : -1;
        double seconds = (System.nanoTime() - started) / 1e9;
        String counts = total > 0 ? progress + "/" + total + unit : progress + unit;
        String rate = seconds > 0 && progress > 0 ? String.format(" · %.1f/s", progress / seconds) : "";
        String eta = fraction > 0 && fraction < 1 ? String.format(" · ETA %s", time(seconds * (1 - fraction) / fraction)) : "";
        String tail = (message == null || message.isEmpty() ? "" : " " + message) + (ended ? " · done in " + time(seconds) : "");
        int width = 30;
        int filled = fraction < 0 ? 0 : (int) Math.round(fraction * width);
        String text = (title.isEmpty() ? "" : title + " ") + "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] "
                + (fraction >= 0 ? String.format("%3.0f%% ", fraction * 100) : "") + counts + rate + eta + tail;
        String html = "<div class=\"djl-progress\" style=\"font-family:monospace\">"
                + NDArrayRenderer.escape(title) + " <progress style=\"width:40%;vertical-align:middle\""
                + (fraction >= 0 ? " value=\"" + progress + "\" max=\"" + total + "\"" : "") + "></progress> "
                + NDArrayRenderer.escape((fraction >= 0 ? String.format("%.0f%% ", fraction * 100) : "") + counts + rate + eta + tail)
                + "</div>";
        return MimeBundle.of(MimeBundle.TEXT_PLAIN, text).put(MimeBundle.TEXT_HTML, html);
    }

    private static String time(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
}
