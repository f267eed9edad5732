package io.djlkernel.djl.serving;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
     * V2) for a classifier, zeros of the declared shape through V2 otherwise; empty when the inputs are not known
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
        String v2 = v2Zeros(model);
        if (v2 != null) {
            calls.add(new Call("/v2/models/" + model.name() + "/infer", "application/json", v2.getBytes(StandardCharsets.UTF_8)));
        }
        return calls;
    }

    /**
     * Repeats {@code calls} from a few client threads until {@code duration} has passed or {@code stop} says so.
     * Gives up at the first answer that is not 200 (the model may refuse zeros): an unwarmed endpoint is still a
     * working one.
     * @return the number of requests answered
     */
    static long run(String baseUrl, String token, List<Call> calls, Duration duration, int clients, BooleanSupplier stop) {
        if (calls.isEmpty() || duration.isZero()) return 0;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong answered = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                int i = first;
                while (System.nanoTime() < end && !failed.get() && !stop.getAsBoolean()) {
                    Call call = calls.get(i++ % calls.size());
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + call.path()))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", call.contentType())
                            .header(HEADER, "1").POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
                    if (token != null) request.header("Authorization", "Bearer " + token);
                    try {
                        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() == 503) continue; // a full queue: the endpoint is busy, keep on
                        if (response.statusCode() != 200) {
                            if (failed.compareAndSet(false, true)) {
                                LOG.warning("warm-up stopped: " + call.path() + " answered " + response.statusCode() + " "
                                        + new String(response.body(), 0, Math.min(300, response.body().length), StandardCharsets.UTF_8));
                            }
                            return;
                        }
                        answered.incrementAndGet();
                    } catch (IOException e) {
                        if (failed.compareAndSet(false, true)) LOG.log(Level.WARNING, "warm-up stopped", e);
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "serve-warmup-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return answered.get();
    }

    /** A V2 request of zeros for every declared input, variable dimensions as 1; null if a type or shape is unknown. */
    static String v2Zeros(ServableModel model) {
        if (model.inputs().isEmpty()) return null;
        StringBuilder json = new StringBuilder("{\"inputs\":[");
        for (int n = 0; n < model.inputs().size(); n++) {
            IoSpec input = model.inputs().get(n);
            String zero = switch (input.datatype().name()) {
                case "BOOL" -> "false";
                case "BYTES", "FP16" -> null;
                default -> "0";
            };
            if (zero == null) return null;
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
            json.append("{\"name\":\"").append(input.name()).append("\",\"datatype\":\"").append(input.datatype().name())
                    .append("\",\"shape\":").append(shape).append(",\"data\":[")
                    .append(String.join(",", java.util.Collections.nCopies((int) count, zero))).append("]}");
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
