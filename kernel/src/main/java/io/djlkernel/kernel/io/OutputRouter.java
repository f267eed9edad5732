package io.djlkernel.kernel.io;

import io.djlkernel.kernel.transport.Message;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes what cell code prints, from any thread, to {@code stream} messages under the running cell's parent.
 * Bytes are batched and flushed {@code flushInterval} after the first one (or at once when a chunk is full).
 * Output printed while no cell runs is kept and published when the next cell begins, never lost (beyond a
 * cap, where it is counted and reported instead of growing without bound). A writer printing faster than the
 * network takes it waits for room while its cell runs, so 10 MB arrives complete without unbounded memory.
 */
public final class OutputRouter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OutputRouter.class.getName());

    /** Where flushed text goes; called with the router's lock held, so it must only queue, never block. */
    @FunctionalInterface
    public interface Sink {
        void stream(Message parent, String name, String text);
    }

    private final Sink sink;
    private final long flushIntervalNanos;
    private final int chunkBytes;
    private final int maxBufferedBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flushNeeded = lock.newCondition();
    private final Condition roomFreed = lock.newCondition();
    private final ByteQueue stdoutBytes = new ByteQueue();
    private final ByteQueue stderrBytes = new ByteQueue();
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final Thread flusher;
    private Message parent;
    private long firstPendingAt;
    private long droppedBytes;
    private boolean closed;

    public OutputRouter(Sink sink) {
        this(sink, 20, 64 * 1024, 4 * 1024 * 1024);
    }

    public OutputRouter(Sink sink, long flushIntervalMillis, int chunkBytes, int maxBufferedBytes) {
        this.sink = sink;
        this.flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
        this.chunkBytes = chunkBytes;
        this.maxBufferedBytes = maxBufferedBytes;
        this.stdout = new PrintStream(new RoutedStream(stdoutBytes), true, StandardCharsets.UTF_8);
        this.stderr = new PrintStream(new RoutedStream(stderrBytes), true, StandardCharsets.UTF_8);
        this.flusher = new Thread(this::runFlusher, "djl-kernel-output");
        flusher.setDaemon(true);
    }

    public void start() {
        flusher.start();
    }

    public PrintStream stdout() {
        return stdout;
    }

    public PrintStream stderr() {
        return stderr;
    }

    /** From now on output belongs to {@code request}; output kept from between cells goes out first. */
    public void beginCell(Message request) {
        lock.lock();
        try {
            parent = request;
            if (droppedBytes > 0) {
                byte[] note = ("[djl-kernel: " + droppedBytes + " bytes printed while no cell was running were"
                        + " dropped]\n").getBytes(StandardCharsets.UTF_8);
                stderrBytes.append(note, 0, note.length);
                droppedBytes = 0;
            }
            drainLocked(false);
        } finally {
            lock.unlock();
        }
    }

    /** Publishes everything printed so far; later output waits for the next cell. */
    public void endCell() {
        lock.lock();
        try {
            drainLocked(true);
            parent = null;
        } finally {
            lock.unlock();
        }
    }

    /** Publishes what is buffered now, so a message sent next (a result, a display) comes after it. */
    public void flush() {
        lock.lock();
        try {
            if (parent != null) drainLocked(false);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (parent != null) drainLocked(true);
            closed = true;
            flushNeeded.signalAll();
            roomFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void runFlusher() {
        lock.lock();
        try {
            while (!closed) {
                try {
                    long pending = stdoutBytes.size() + stderrBytes.size();
                    if (parent == null || pending == 0) {
                        flushNeeded.await();
                        continue;
                    }
                    long wait = firstPendingAt + flushIntervalNanos - System.nanoTime();
                    if (wait <= 0 || pending >= chunkBytes) {
                        drainLocked(false);
                        // a trailing partial UTF-8 character stays; look again one interval later
                        firstPendingAt = System.nanoTime();
                    } else {
                        flushNeeded.awaitNanos(wait);
                    }
                } catch (OutOfMemoryError e) {
                    // a cell filled the heap and this allocation failed first: output goes on once memory is back
                    flushNeeded.awaitNanos(flushIntervalNanos);
                }
            }
        } catch (InterruptedException e) {
            LOG.fine("output flusher interrupted");
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "output flusher failed", e);
        } finally {
            lock.unlock();
        }
    }

    private void drainLocked(boolean includePartialCharacters) {
        if (parent == null) return;
        drain(stdoutBytes, "stdout", includePartialCharacters);
        drain(stderrBytes, "stderr", includePartialCharacters);
        roomFreed.signalAll();
    }

    private void drain(ByteQueue queue, String name, boolean includePartialCharacters) {
        while (queue.size() > 0) {
            byte[] chunk = queue.take(chunkBytes, includePartialCharacters);
            if (chunk.length == 0) return;
            try {
                sink.stream(parent, name, new String(chunk, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not publish " + name, e);
            }
        }
    }

    private void write(ByteQueue queue, byte[] bytes, int offset, int length) throws InterruptedIOException {
        lock.lock();
        try {
            while (length > 0 && !closed) {
                int n;
                if (parent != null) {
                    while (parent != null && !closed && buffered() >= maxBufferedBytes) roomFreed.await();
                    if (parent == null || closed) continue;
                    n = Math.min(length, Math.max(chunkBytes, maxBufferedBytes - buffered()));
                } else {
                    int room = maxBufferedBytes - buffered();
                    if (room <= 0) {
                        droppedBytes += length;
                        return;
                    }
                    n = Math.min(length, room);
                }
                boolean wasEmpty = buffered() == 0;
                queue.append(bytes, offset, n);
                offset += n;
                length -= n;
                if (wasEmpty) {
                    firstPendingAt = System.nanoTime();
                    flushNeeded.signal();
                } else if (buffered() >= chunkBytes) {
                    flushNeeded.signal();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while output was waiting to be sent");
        } finally {
            lock.unlock();
        }
    }

    private int buffered() {
        return stdoutBytes.size() + stderrBytes.size();
    }

    private final class RoutedStream extends OutputStream {
        private final ByteQueue queue;

        RoutedStream(ByteQueue queue) {
            this.queue = queue;
        }

        @Override
        public void write(int b) throws InterruptedIOException {
            OutputRouter.this.write(queue, new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws InterruptedIOException {
            OutputRouter.this.write(queue, b, off, len);
        }
    }

    /** A FIFO of bytes that hands out chunks cut at UTF-8 character boundaries. */
    static final class ByteQueue {
        private byte[] data = new byte[8192];
        private int start;
        private int end;

        int size() {
            return end - start;
        }

        void append(byte[] bytes, int offset, int length) {
            if (end + length > data.length) {
                int size = size();
                if (size + length > data.length) {
                    byte[] bigger = new byte[Math.max(data.length * 2, size + length)];
                    System.arraycopy(data, start, bigger, 0, size);
                    data = bigger;
                } else {
                    System.arraycopy(data, start, data, 0, size);
                }
                start = 0;
                end = size;
            }
            System.arraycopy(bytes, offset, data, end, length);
            end += length;
        }

        byte[] take(int max, boolean includePartialCharacters) {
            int n = Math.min(max, size());
            if (!includePartialCharacters || n < size()) n = completeCharacters(n);
            byte[] chunk = new byte[n];
            System.arraycopy(data, start, chunk, 0, n);
            start += n;
            if (start == end) {
                start = 0;
                end = 0;
                if (data.length > 1 << 20) data = new byte[8192];
            }
            return chunk;
        }

        /** The longest prefix of the first {@code n} bytes that does not end inside a multi-byte character. */
        private int completeCharacters(int n) {
            int lead = n - 1;
            // walk back over up to 3 continuation bytes (10xxxxxx) to the lead byte of the last character
            while (lead >= 0 && n - lead <= 4 && (data[start + lead] & 0xC0) == 0x80) lead--;
            if (lead < 0 || n - lead > 4) return n; // not UTF-8 we understand: cut anywhere
            int b = data[start + lead] & 0xFF;
            int length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return n - lead >= length ? n : lead;
        }
    }
}
