package io.djlkernel.kernel.io;

import io.djlkernel.kernel.transport.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;

/**
 * Turns reads of {@code System.in} by cell code into input_request / input_reply exchanges on the stdin
 * channel, when the running execute request allows it. Reads wait for the reply; an interrupt ends the wait.
 */
public final class StdinBroker {
    private static final Logger LOG = Logger.getLogger(StdinBroker.class.getName());

    /** Sends an input_request for {@code request} (the execute request whose front end is asked). */
    @FunctionalInterface
    public interface Requester {
        void requestInput(Message request, String prompt, boolean password);
    }

    private final Requester requester;
    private final Runnable beforeRequest;
    private final CellInputStream input = new CellInputStream();
    private final Object exchange = new Object();
    private volatile Message request;
    private volatile boolean allowStdin;
    private volatile CompletableFuture<String> pending;

    /** @param beforeRequest runs before each input_request, e.g. to flush a prompt printed without a newline */
    public StdinBroker(Requester requester, Runnable beforeRequest) {
        this.requester = requester;
        this.beforeRequest = beforeRequest;
    }

    public InputStream inputStream() {
        return input;
    }

    public void beginCell(Message executeRequest, boolean allowStdin) {
        input.discard();
        this.allowStdin = allowStdin;
        this.request = executeRequest;
    }

    public void endCell() {
        request = null;
        allowStdin = false;
        cancel();
    }

    /** Ends a read waiting for input (interrupt, shutdown); the reader gets an InterruptedIOException. */
    public void cancel() {
        CompletableFuture<String> waiting = pending;
        if (waiting != null) waiting.cancel(false);
    }

    /** Called with every input_reply that arrives on the stdin channel. */
    public void onInputReply(Message reply) {
        CompletableFuture<String> waiting = pending;
        if (waiting == null) {
            LOG.warning("input_reply with no read waiting for it; dropped");
            return;
        }
        com.google.gson.JsonElement value = reply.content().get("value");
        if (value == null || value.isJsonNull()) {
            waiting.complete("");
        } else if (value.isJsonPrimitive()) {
            waiting.complete(value.getAsString());
        } else {
            // the front end has closed its input box: waiting on would hang the cell for good
            waiting.completeExceptionally(new IOException("the front end's input_reply has no text as its value: " + value));
        }
    }

    /** Called with an input_reply that could not be read at all (its content is not a JSON object). */
    public void onMalformedInputReply(String problem) {
        CompletableFuture<String> waiting = pending;
        if (waiting != null) waiting.completeExceptionally(new IOException("the front end's input_reply was malformed: " + problem));
    }

    /** Asks the front end for one line (without its line break). */
    public String readLine(String prompt, boolean password) throws IOException {
        synchronized (exchange) {
            Message current = request;
            if (current == null) throw new IOException("no cell is running: System.in has nothing to read");
            if (!allowStdin) {
                throw new IOException("this front end does not support input (the execute request has allow_stdin false)");
            }
            CompletableFuture<String> reply = new CompletableFuture<>();
            pending = reply;
            try {
                beforeRequest.run();
                requester.requestInput(current, prompt, password);
                return reply.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for input");
            } catch (CancellationException e) {
                throw new InterruptedIOException("input was cancelled (interrupted or the cell ended)");
            } catch (ExecutionException e) {
                throw new IOException("input failed: " + e.getCause().getMessage(), e.getCause());
            } finally {
                pending = null;
            }
        }
    }

    /** Serves reads line by line: each empty buffer asks the front end for one more line. */
    private final class CellInputStream extends InputStream {
        private byte[] line = new byte[0];
        private int position;

        synchronized void discard() {
            line = new byte[0];
            position = 0;
        }

        @Override
        public synchronized int read() throws IOException {
            if (!fill()) return -1;
            return line[position++] & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = Math.min(len, line.length - position);
            System.arraycopy(line, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public synchronized int available() {
            return line.length - position;
        }

        private boolean fill() throws IOException {
            if (position < line.length) return true;
            line = (readLine("", false) + "\n").getBytes(StandardCharsets.UTF_8);
            position = 0;
            return true;
        }
    }
}
