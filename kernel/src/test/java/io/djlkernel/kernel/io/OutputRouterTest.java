package io.djlkernel.kernel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.transport.Message;
import io.djlkernel.kernel.transport.MessageFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutputRouterTest {
    record Published(Message parent, String name, String text, long at) {
    }

    private final List<Published> published = new ArrayList<>();
    private final MessageFactory factory = new MessageFactory("s", "u");
    private final OutputRouter router = new OutputRouter((parent, name, text) -> {
        synchronized (published) {
            published.add(new Published(parent, name, text, System.nanoTime()));
            published.notifyAll();
        }
    });

    OutputRouterTest() {
        router.start();
    }

    @AfterEach
    void close() {
        router.close();
    }

    private Message cell() {
        return factory.request("execute_request", new JsonObject());
    }

    private String textFor(Message parent, String name) {
        StringBuilder text = new StringBuilder();
        synchronized (published) {
            for (Published p : published) {
                if (p.parent() == parent && p.name().equals(name)) text.append(p.text());
            }
        }
        return text.toString();
    }

    @Test
    void firstBytesArriveWithin100msWhileTheCellStillRuns() throws InterruptedException {
        Message cell = cell();
        router.beginCell(cell);
        long printed = System.nanoTime();
        router.stdout().print("tick");
        synchronized (published) {
            long deadline = System.currentTimeMillis() + 1000;
            while (published.isEmpty() && System.currentTimeMillis() < deadline) published.wait(10);
            assertEquals("tick", published.get(0).text());
            assertTrue(published.get(0).at() - printed < TimeUnit.MILLISECONDS.toNanos(100),
                    "took " + (published.get(0).at() - printed) / 1_000_000 + " ms");
        }
        router.endCell();
    }

    @Test
    void outputBetweenCellsIsKeptForTheNextCell() throws InterruptedException {
        Message first = cell();
        router.beginCell(first);
        router.stdout().print("during");
        router.endCell();
        Thread background = new Thread(() -> router.stdout().print("after"));
        background.start();
        background.join();
        Thread.sleep(100);
        assertEquals("during", textFor(first, "stdout"));
        Message second = cell();
        router.beginCell(second);
        router.endCell();
        assertEquals("after", textFor(second, "stdout"));
    }

    @Test
    void streamsStayApartAndCharactersAreNeverSplit() {
        OutputRouter small = new OutputRouter((parent, name, text) -> {
            synchronized (published) {
                published.add(new Published(parent, name, text, 0));
            }
        }, 20, 5, 64);
        small.start();
        Message cell = cell();
        small.beginCell(cell);
        String text = "ééééé✓✓✓\uD83D\uDE00\uD83D\uDE00";
        small.stdout().print(text);
        small.stderr().print("err");
        small.endCell();
        small.close();
        assertEquals(text, textFor(cell, "stdout"));
        assertEquals("err", textFor(cell, "stderr"));
        synchronized (published) {
            for (Published p : published) {
                assertTrue(p.text().getBytes(StandardCharsets.UTF_8).length <= 5, "chunks are bounded");
                assertTrue(!p.text().contains("\uFFFD"), "no broken characters");
            }
        }
    }

    @Test
    void tenMegabytesFromAnotherThreadArriveComplete() throws InterruptedException {
        Message cell = cell();
        router.beginCell(cell);
        byte[] block = "0123456789abcdef".repeat(64).getBytes(StandardCharsets.US_ASCII);
        int blocks = 10 * 1024 * 1024 / block.length;
        Thread writer = new Thread(() -> {
            for (int i = 0; i < blocks; i++) router.stdout().write(block, 0, block.length);
        });
        writer.start();
        writer.join(20_000);
        router.endCell();
        assertEquals(blocks * block.length, textFor(cell, "stdout").length());
    }
}
