package io.djlkernel.djl.serving;

import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a new endpoint requests like its clients' (HTTP parsing, decoding, batching, the model, encoding) for
 * {@link ServeOptions#warmup()}, so the JIT has compiled that path before readiness is reported;
 * {@link WarmupTraffic} makes them differ as real clients' requests do. Measured on the image fixture: without it,
 * the first 10 s served well under the steady throughput. The endpoint gives it a loopback socket of its own,
 * whose requests are left out of the users' counts.
 */
final class Warmup {
    private static final Logger LOG = Logger.getLogger(Warmup.class.getName());
    /** Where the endpoint listens for its warm-up (a loopback socket of its own). */
    static final String HOST = "127.0.0.1";

    private Warmup() {
    }

    /**
     * Repeats {@code calls} from {@code clients} connections until the endpoint's throughput stops climbing (no
     * second-long window beats the best one by {@value #GAIN_PERCENT}% for {@value #FLAT_WINDOWS} windows in a
     * row), at most {@code limit}, or until {@code stop} says so. Climbing is the JVM's JIT and TorchScript's
     * per-shape optimisation: measured on the 2-core machine, a new endpoint served ~40 req/s in its first seconds
     * and ~2000 req/s after 30 s of load. Gives up at the first answer that is neither 200 nor 503 (the model may
     * refuse the sample values): an unwarmed endpoint is still a working one.
     * @return the number of requests answered
     */
    static long run(int port, String token, List<WarmupTraffic.Call> calls, Duration limit, int clients, BooleanSupplier stop) {
        if (calls.isEmpty() || limit.isZero()) return 0;
        URI base = URI.create("http://" + HOST + ":" + port);
        // every body with every client's headers; each client thread walks through them and the write patterns
        List<byte[]> heads = new ArrayList<>();
        List<byte[]> closing = new ArrayList<>();
        for (WarmupTraffic.Call call : calls) {
            for (String client : WarmupTraffic.CLIENT_HEADERS) {
                heads.add(WarmupTraffic.head(base, token, call, client, false));
                closing.add(WarmupTraffic.head(base, token, call, client, true));
            }
        }
        int kinds = heads.size() * WarmupTraffic.WRITE_PATTERNS;
        long end = System.nanoTime() + limit.toNanos();
        AtomicLong answered = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                // raw connections, as load generators use: a full HTTP client spent more CPU than the server it was
                // warming on a 2-core machine
                int i = first * 7; // threads apart in the walk
                try {
                    // connections as clients make them, so that accepting and closing are compiled too: a one-shot
                    // request that asks the server to close, then a keep-alive connection the client closes
                    for (int c = 0; !done.get() && !stop.getAsBoolean(); c++) {
                        boolean oneShot = c % 2 == 0;
                        try (Socket socket = new Socket(HOST, port)) {
                            socket.setTcpNoDelay(true);
                            socket.setSoTimeout(30_000);
                            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                            InputStream in = new BufferedInputStream(socket.getInputStream());
                            for (int n = oneShot ? KEEP_ALIVE_REQUESTS - 1 : 0; n < KEEP_ALIVE_REQUESTS
                                    && !done.get() && !stop.getAsBoolean(); n++) {
                                int kind = i++ % kinds;
                                int head = kind / WarmupTraffic.WRITE_PATTERNS;
                                WarmupTraffic.Call call = calls.get(head / WarmupTraffic.CLIENT_HEADERS.size());
                                WarmupTraffic.send(out, (oneShot ? closing : heads).get(head), call.body(), kind);
                                int status = readResponse(in);
                                if (status == 200) {
                                    answered.incrementAndGet();
                                } else if (status != 503 && done.compareAndSet(false, true)) { // 503: a full queue, keep on
                                    LOG.warning("warm-up stopped: " + call.path() + " answered " + status);
                                }
                            }
                        }
                    }
                } catch (IOException e) {
                    if (!stop.getAsBoolean() && done.compareAndSet(false, true)) LOG.log(Level.WARNING, "warm-up stopped", e);
                }
            }, "serve-warmup-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        try {
            double best = 0;
            int flat = 0;
            long last = 0;
            long earliestEnd = System.nanoTime() + MIN_WINDOWS * 1_000_000_000L;
            while (!done.get() && !stop.getAsBoolean() && System.nanoTime() < end
                    && (flat < FLAT_WINDOWS || System.nanoTime() < earliestEnd)) {
                Thread.sleep(1000);
                long now = answered.get();
                double rate = now - last;
                last = now;
                if (rate > best * (1 + GAIN_PERCENT / 100.0)) {
                    flat = 0;
                } else {
                    flat++;
                }
                best = Math.max(best, rate);
                LOG.fine("warm-up window: " + (long) rate + " req/s (best " + (long) best + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done.set(true);
        }
        for (Thread thread : threads) {
            try {
                thread.join(35_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return answered.get();
    }

    private static final int GAIN_PERCENT = 5;
    private static final int FLAT_WINDOWS = 5;
    /** The JIT compiles in the background, slower on a busy machine: never stop at an early, noisy plateau. */
    private static final int MIN_WINDOWS = 8;
    /** Requests on each keep-alive connection of the warm-up before its client closes it. */
    private static final int KEEP_ALIVE_REQUESTS = 50;

    /** Reads one response (status line, headers, a Content-Length body); returns its status. */
    static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ");
        if (parts.length < 2) throw new IOException("not an HTTP response: " + statusLine);
        int length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(header.substring(colon + 1).trim());
            }
        }
        in.readNBytes(length);
        return Integer.parseInt(parts[1]);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("the endpoint closed the connection");
            if (b != '\r') s.append((char) b);
        }
        return s.toString();
    }
}
