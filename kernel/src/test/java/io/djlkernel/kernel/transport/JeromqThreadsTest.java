package io.djlkernel.kernel.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import zmq.Ctx;
import zmq.poll.IPollEvents;
import zmq.poll.Poller;

/**
 * jeromq's real poller loop, on a thread made by {@link JeromqThreads}: an OutOfMemoryError out of one of its event
 * handlers (what a cell filling the heap does to jeromq's I/O thread) must not end the thread.
 */
class JeromqThreadsTest {

    @Test
    void jeromqsPollerGoesOnAfterAnOutOfMemoryErrorInItsThread() throws Exception {
        Ctx ctx = new Ctx();
        ctx.setThreadFactory(JeromqThreads::create);
        Poller poller = new Poller(ctx, "iothread-test");
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        AtomicInteger failures = new AtomicInteger();
        BlockingQueue<Byte> received = new LinkedBlockingQueue<>();
        long restartsBefore = JeromqThreads.restarts();
        poller.setPollIn(poller.addHandle(pipe.source(), new IPollEvents() {
            @Override
            public void inEvent() {
                if (failures.get() < 3) {
                    failures.incrementAndGet();
                    throw new OutOfMemoryError("Java heap space (simulated in jeromq's I/O thread)");
                }
                ByteBuffer one = ByteBuffer.allocate(16);
                try {
                    int n = pipe.source().read(one);
                    for (int i = 0; i < n; i++) received.add(one.get(i));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }));
        poller.start();
        try {
            for (byte b = 1; b <= 3; b++) {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {b}));
                Byte got = received.poll(10, TimeUnit.SECONDS);
                assertEquals(Byte.valueOf(b), got, "the poller still reads after the heap ran out in its thread");
            }
            assertEquals(3, failures.get());
            assertTrue(JeromqThreads.restarts() - restartsBefore >= 3, "each failure started the loop again");
        } finally {
            // destroy() waits for the loop to end, forever where the thread is already dead
            Thread destroyer = new Thread(() -> {
                poller.destroy();
                ctx.terminate();
            });
            destroyer.setDaemon(true);
            destroyer.start();
            destroyer.join(5_000);
            pipe.sink().close();
            pipe.source().close();
        }
    }

    @Test
    void otherErrorsStillEndTheThread() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Thread thread = JeromqThreads.create(() -> {
            runs.incrementAndGet();
            throw new StackOverflowError("not a full heap");
        }, "iothread-test");
        thread.setUncaughtExceptionHandler((t, e) -> { });
        thread.start();
        thread.join(10_000);
        assertEquals(1, runs.get(), "only a full heap is waited out");
        assertTrue(thread.isDaemon(), "jeromq's threads must not keep the JVM alive");
    }
}
