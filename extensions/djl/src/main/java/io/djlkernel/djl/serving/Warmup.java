package io.djlkernel.djl.serving;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a new endpoint requests like its clients' through its own socket (HTTP parsing, decoding, batching, the
 * model, encoding) for {@link ServeOptions#warmup()}, so the JIT has compiled that path before readiness is
 * reported. Measured on the image fixture: without it, the first 10 s served well under the steady throughput.
 * The requests carry {@link #HEADER} and are left out of the endpoint's counters and metrics.
 */
final class Warmup {
    private static final Logger LOG = Logger.getLogger(Warmup.class.getName());
    static final String HEADER = "X-Djl-Kernel-Warmup";

    /** One request to repeat: path, content type and body. */
    record Call(String path, String contentType, byte[] body) {
    }

    private Warmup() {
    }

    /**
     * The requests that stand for real traffic to {@code model}: an image to /predict (and the same tensor through
     * V2) for a classifier, values of the declared shape through V2 otherwise; empty when the inputs are not known
     * (a bare TorchScript file), in which case nothing can be warmed.
     */
    static List<Call> callsFor(ServableModel model) {
        List<Call> calls = new ArrayList<>();
        if (model.isImageClassifier()) {
            String boundary = "djlkernelwarmup";
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"warmup.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(noisePng(Math.max(model.imageSize(), 64)));
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
            calls.add(new Call("/predict", "multipart/form-data; boundary=" + boundary, body.toByteArray()));
        }
        String v2 = v2Sample(model);
        if (v2 != null) {
            calls.add(new Call("/v2/models/" + model.name() + "/infer", "application/json", v2.getBytes(StandardCharsets.UTF_8)));
        }
        return calls;
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
    static long run(String baseUrl, String token, List<Call> calls, Duration limit, int clients, BooleanSupplier stop) {
        if (calls.isEmpty() || limit.isZero()) return 0;
        URI base = URI.create(baseUrl);
        List<byte[]> requests = new ArrayList<>();
        for (Call call : calls) requests.add(httpRequest(base, token, call));
        long end = System.nanoTime() + limit.toNanos();
        AtomicLong answered = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                // raw keep-alive connections, as load generators use: a full HTTP client spent more CPU than the
                // server it was warming on a 2-core machine
                String host = base.getHost().replaceAll("^\\[|\\]$", ""); // an IPv6 literal without its brackets
                try (Socket socket = new Socket(host, base.getPort())) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(30_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    int i = first;
                    while (!done.get() && !stop.getAsBoolean()) {
                        out.write(requests.get(i++ % requests.size()));
                        out.flush();
                        int status = readResponse(in);
                        if (status == 200) {
                            answered.incrementAndGet();
                        } else if (status != 503 && done.compareAndSet(false, true)) { // 503: a full queue, keep on
                            LOG.warning("warm-up stopped: " + calls.get((i - 1) % calls.size()).path() + " answered " + status);
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

    private static byte[] httpRequest(URI base, String token, Call call) {
        String head = "POST " + call.path() + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nContent-Type: " + call.contentType() + "\r\nContent-Length: " + call.body().length
                + "\r\n" + HEADER + ": 1\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(h, h.length + call.body().length);
        System.arraycopy(call.body(), 0, all, h.length, call.body().length);
        return all;
    }

    /** Reads one response (status line, headers, a Content-Length body); returns its status. */
    private static int readResponse(InputStream in) throws IOException {
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

    /**
     * A V2 request for every declared input, variable dimensions as 1, with values like a client's: decimals in
     * (-1, 1) for FP32/FP64 (the JSON parser reads "0" and "-0.421337" by different code, and zeros left the decimal
     * one cold: the MLP fixture's first seconds after ready ran at 0.58x its steady speed), 0 for integers, false
     * for BOOL; null if a type or shape is unknown.
     */
    static String v2Sample(ServableModel model) {
        if (model.inputs().isEmpty()) return null;
        Random random = new Random(11);
        StringBuilder json = new StringBuilder("{\"inputs\":[");
        for (int n = 0; n < model.inputs().size(); n++) {
            IoSpec input = model.inputs().get(n);
            String kind = input.datatype().name();
            if (kind.equals("BYTES") || kind.equals("FP16")) return null;
            long count = 1;
            StringBuilder shape = new StringBuilder("[");
            for (int d = 0; d < input.shape().length; d++) {
                long size = input.shape()[d] < 0 ? 1 : input.shape()[d];
                count *= size;
                if (count > 1_000_000) return null; // a request this big would warm the JSON parser, not the path
                shape.append(d > 0 ? "," : "").append(size);
            }
            shape.append(']');
            if (n > 0) json.append(',');
            json.append("{\"name\":\"").append(input.name()).append("\",\"datatype\":\"").append(kind)
                    .append("\",\"shape\":").append(shape).append(",\"data\":[");
            for (long i = 0; i < count; i++) {
                if (i > 0) json.append(',');
                switch (kind) {
                    case "BOOL" -> json.append("false");
                    case "FP32", "FP64" -> json.append(String.format(java.util.Locale.ROOT, "%.6f", random.nextDouble() * 2 - 1));
                    default -> json.append('0');
                }
            }
            json.append("]}");
        }
        return json.append("]}").toString();
    }

    private static byte[] noisePng(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) image.setRGB(x, y, random.nextInt(1 << 24));
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new IllegalStateException("encoding the warm-up image failed", e);
        }
        return png.toByteArray();
    }
}
