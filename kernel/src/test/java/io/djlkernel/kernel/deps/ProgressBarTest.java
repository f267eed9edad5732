package io.djlkernel.kernel.deps;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    final List<String> shown = new ArrayList<>();
    final List<String> updates = new ArrayList<>();
    long now;

    ProgressBar bar() {
        return new ProgressBar(new ProgressBar.Output() {
            @Override
            public String show(String text) {
                shown.add(text);
                return "id-" + shown.size();
            }

            @Override
            public void update(String handle, String text) {
                assertEquals("id-1", handle, "one display, updated in place");
                updates.add(text);
            }
        }, () -> now);
    }

    @Test
    void nothingDownloadedShowsNothing() {
        ProgressBar bar = bar();
        bar.done("https://repo/x.jar", 0, new Exception("not found")); // a miss that never started
        bar.finished();
        assertFalse(bar.shown());
        assertTrue(shown.isEmpty() && updates.isEmpty());
    }

    @Test
    void oneUpdatingLineThrottledAndASummary() {
        ProgressBar bar = bar();
        bar.started("https://repo/a/a-1.jar", "central", 1000);
        bar.started("https://repo/b/b-1.jar", "central", 3000);
        for (int i = 1; i <= 1000; i++) {
            now += 1_000_000; // 1 ms apart: most updates are dropped
            bar.progressed("https://repo/b/b-1.jar", i * 3L, 3000);
        }
        now += 200_000_000;
        bar.done("https://repo/a/a-1.jar", 1000, null);
        bar.done("https://repo/b/b-1.jar", 3000, null);
        bar.finished();
        assertEquals(1, shown.size());
        assertTrue(shown.get(0).startsWith("Downloading [") && shown.get(0).contains("0/1 files  a-1.jar"), shown.get(0));
        assertTrue(updates.size() < 20, "throttled: " + updates.size());
        assertTrue(updates.stream().noneMatch(u -> u.contains("\n")), "a single line");
        String last = updates.get(updates.size() - 1);
        assertEquals("Downloaded 2 files (3.9 KB) in 1.2 s", last);
    }

    @Test
    void renderShowsPercentBytesAndFile() {
        ProgressBar bar = bar();
        bar.started("https://repo/big.jar", "central", 2 * 1024 * 1024);
        bar.progressed("https://repo/big.jar", 1024 * 1024, 2 * 1024 * 1024);
        String line = bar.render();
        assertTrue(line.contains("]  50%  1.0 MB / 2.0 MB  0/1 files  big.jar"), line);
        assertTrue(line.contains("[" + "#".repeat(15) + "-".repeat(15) + "]"), line);
    }

    @Test
    void unknownLengthShowsBytesOnly() {
        ProgressBar bar = bar();
        bar.started("https://repo/x.pom", "central", -1);
        bar.progressed("https://repo/x.pom", 2048, -1);
        assertEquals("Downloading 2.0 KB  0/1 files  x.pom", bar.render());
    }

    @Test
    void inTheKernelItIsOneDisplayUpdatedInPlace() {
        List<String> messages = new ArrayList<>();
        io.djlkernel.api.display.Display.bind(new io.djlkernel.api.display.DisplayPublisher() {
            @Override
            public void display(io.djlkernel.api.display.MimeBundle bundle, String displayId) {
                messages.add("display " + displayId + " " + bundle.data());
            }

            @Override
            public void update(io.djlkernel.api.display.MimeBundle bundle, String displayId) {
                messages.add("update " + displayId + " " + bundle.data());
            }

            @Override
            public void clearOutput(boolean wait) {
            }
        }, new io.djlkernel.api.display.RendererRegistry() {
            @Override
            public <T> void register(Class<T> type, io.djlkernel.api.display.Renderer<? super T> renderer) {
            }

            @Override
            public io.djlkernel.api.display.MimeBundle render(Object value) {
                return io.djlkernel.api.display.MimeBundle.text(String.valueOf(value));
            }
        });
        ProgressBar bar = ProgressBar.toDisplay(System.out);
        bar.started("https://repo/a.jar", "central", 10);
        bar.done("https://repo/a.jar", 10, null);
        bar.finished();
        assertEquals(2, messages.size(), messages.toString());
        String id = messages.get(0).split(" ")[1];
        assertTrue(messages.get(0).startsWith("display " + id + " {text/plain=Downloading ["), messages.get(0));
        assertTrue(messages.get(1).startsWith("update " + id + " {text/plain=Downloaded 1 file (10 B) in "), messages.get(1));
    }

    @Test
    void outsideTheKernelOnlyTheSummaryIsPrinted() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.util.function.Function<io.djlkernel.api.display.MimeBundle, String> unbound = b -> {
            throw new IllegalStateException("display is only available inside the kernel");
        };
        ProgressBar bar = new ProgressBar(new ProgressBar.DisplayOutput(new java.io.PrintStream(bytes, true), unbound,
                (id, b) -> unbound.apply(b)));
        bar.started("https://repo/a.jar", "central", 10);
        bar.done("https://repo/a.jar", 10, null);
        bar.finished();
        assertTrue(bytes.toString().startsWith("Downloaded 1 file (10 B) in "), bytes.toString());
    }
}
