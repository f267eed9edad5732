package io.djlkernel.djl.serving;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of malformed requests of every kind, on every route and method, over raw sockets against real servers
 * (the MLP fixture for the v2 and TorchServe routes, the image classifier for /predict). A request that is complete
 * must be answered, never with a 5xx but 503 (a full queue); one that is incomplete by construction (a body shorter
 * than its Content-Length) may instead see the connection closed, but never a hang. Afterwards the endpoints are
 * still ready, still infer correctly, and the heap after GC is back near where it started.
 */
class EndpointFuzzTest {
    private static final long BUDGET_MS = 45_000;
    private static final int TARGET_REQUESTS = 4_000;
    private static final int READ_TIMEOUT_MS = 15_000;
    private static final long HEAP_TOLERANCE_BYTES = 48L * 1024 * 1024;

    static TorchScriptModel mlp;
    static TorchScriptModel classifier;
    static InferenceServer mlpServer;
    static InferenceServer imageServer;

    @BeforeAll
    static void start() throws Exception {
        mlp = TorchScriptModel.load("mlp", ServingTest.fixture("mlp.pt"), null, -1, null, null);
        classifier = TorchScriptModel.load("colours", ServingTest.fixture("classifier"), "image-classification", 32, null, null);
        // a small queue and request limit so that 503 and 413 paths are part of the mix
        // no warm-up: it answers ready with 503 for up to 30 s, which is WarmupTest's subject, not this test's
        mlpServer = InferenceServer.start(mlp, ServingTest.opts("--port", "0", "--batch-size", "4", "--queue-size", "8",
                "--max-request-size", "256k", "--warmup", "0"));
        imageServer = InferenceServer.start(classifier, ServingTest.opts("--port", "0", "--max-request-size", "256k",
                "--warmup", "0"));
    }

    @AfterAll
    static void stop() {
        if (mlpServer != null) mlpServer.stop(2000);
        if (imageServer != null) imageServer.stop(2000);
        if (mlp != null) mlp.close();
        if (classifier != null) classifier.close();
    }

    static final List<String> PATHS = List.of("/", "/ping", "/predict", "/predictions/mlp", "/predictions/colours",
            "/predictions/mlp/1", "/predictions/nope", "/metrics", "/openapi.json", "/v2", "/v2/health/live",
            "/v2/health/ready", "/v2/models/mlp", "/v2/models/mlp/ready", "/v2/models/mlp/infer",
            "/v2/models/mlp/versions/1/infer", "/v2/models/colours/infer", "/v2/models/nope/infer", "/v2/models//infer",
            "/v2/health", "/nothing", "/%zz", "/v2/models/mlp/infer?x=%", "//", "/predict/extra");
    static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
            "BREW", "");
    static final List<String> CONTENT_TYPES = List.of("application/json", "multipart/form-data; boundary=xYz",
            "multipart/form-data", "multipart/form-data; boundary=", "application/octet-stream", "image/png",
            "image/jpeg", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "");
    static final List<String> DATATYPES = List.of("FP32", "FP64", "FP16", "INT8", "INT32", "INT64", "UINT8", "UINT64",
            "BOOL", "BYTES", "fp32", "", "FP128", "null");

    /** What one malformed request is: its bytes, and whether a server could answer it at all. */
    record Attempt(String kind, byte[] bytes, boolean complete) {
    }

    @Test
    void malformedRequestsAreAnsweredWithoutServerErrorsAndLeaveTheEndpointReadyWithFlatMemory() throws Exception {
        warm();
        long heapBefore = heapAfterGc();
        Map<String, AtomicInteger> byStatus = new TreeMap<>();
        Map<String, String> serverErrors = new ConcurrentHashMap<>();
        Map<String, String> unanswered = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        long deadline = System.currentTimeMillis() + BUDGET_MS;
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = 1234 + t;
            runs.add(pool.submit(() -> {
                Random random = new Random(seed);
                while (sent.get() < TARGET_REQUESTS && System.currentTimeMillis() < deadline) {
                    sent.incrementAndGet();
                    InferenceServer server = random.nextInt(3) == 0 ? imageServer : mlpServer;
                    Attempt attempt = attempt(random, server);
                    String status;
                    try {
                        status = exchange(server.port(), attempt);
                    } catch (IOException e) {
                        status = "io:" + e.getClass().getSimpleName();
                    }
                    synchronized (byStatus) {
                        byStatus.computeIfAbsent(attempt.kind() + " " + status, k -> new AtomicInteger()).incrementAndGet();
                    }
                    if (status.startsWith("5") && !status.equals("503")) {
                        serverErrors.putIfAbsent(attempt.kind() + " " + status, preview(attempt.bytes()));
                    }
                    if (status.equals("timeout") || (attempt.complete() && !status.matches("\\d{3}"))) {
                        unanswered.putIfAbsent(attempt.kind() + " " + status, preview(attempt.bytes()));
                    }
                }
                return null;
            }));
        }
        for (Future<?> run : runs) run.get();
        pool.shutdown();
        System.out.println("fuzz: " + sent.get() + " requests; kind + answer: " + byStatus);

        assertTrue(sent.get() >= 1_000, "only " + sent.get() + " requests in " + BUDGET_MS + " ms");
        unanswered.forEach((k, v) -> System.out.println("fuzz: unanswered " + k + ": " + v));
        serverErrors.forEach((k, v) -> System.out.println("fuzz: 5xx " + k + ": " + v));
        assertTrue(serverErrors.isEmpty(), "5xx answers: " + serverErrors);
        assertTrue(unanswered.isEmpty(), "requests never answered: " + unanswered);
        for (InferenceServer server : List.of(mlpServer, imageServer)) {
            assertEquals(200, Http.get(server.url() + "/v2/health/ready").status());
        }
        Http.Reply ok = Http.postJson(mlpServer.url() + "/v2/models/mlp/infer", ServingTest.mlpRequest("after", "[1,2,3,4]", "[1,4]"));
        assertEquals(200, ok.status(), ok.body());
        long heapAfter = heapAfterGc();
        System.out.printf("fuzz: heap after GC %d MB before, %d MB after%n", heapBefore >> 20, heapAfter >> 20);
        assertTrue(heapAfter - heapBefore < HEAP_TOLERANCE_BYTES,
                "the heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB over the fuzzing");
    }

    /** Loads the classes and JIT paths of the normal requests, so that the heap baseline includes them. */
    private static void warm() throws Exception {
        for (int i = 0; i < 50; i++) {
            Http.postJson(mlpServer.url() + "/v2/models/mlp/infer", ServingTest.mlpRequest(null, "[1,2,3,4]", "[1,4]"));
            Http.postFile(imageServer.url() + "/predict", "file", "x.png", "image/png",
                    ServingTest.image(java.awt.Color.RED, "png"));
        }
        Random random = new Random(99);
        for (int i = 0; i < 300; i++) {
            InferenceServer server = i % 2 == 0 ? mlpServer : imageServer;
            try {
                exchange(server.port(), attempt(random, server));
            } catch (IOException ignored) {
                // the warm-up only loads code paths; the test proper checks the answers
            }
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(150);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    private static Attempt attempt(Random random, InferenceServer server) {
        String path = pick(random, PATHS);
        String method = random.nextInt(3) == 0 ? pick(random, METHODS) : "POST";
        switch (random.nextInt(11)) {
            case 0: // random bytes for the whole request
                return new Attempt("raw-bytes", randomBytes(random, random.nextInt(4096)), false);
            case 1: // random bytes as a multipart body with a boundary: the case that answered 500
                return request("random-multipart", method, path, "multipart/form-data; boundary=" + token(random, 1 + random.nextInt(70)),
                        randomBytes(random, random.nextInt(65536)), random);
            case 2:
                return request("bad-multipart", method, "/predict", "multipart/form-data; boundary=xYz", badMultipart(random), random);
            case 3:
                return request("bad-json", method, path, "application/json", badJson(random), random);
            case 4:
                return request("wrong-tensor", "POST", random.nextBoolean() ? "/v2/models/mlp/infer" : path,
                        "application/json", wrongTensor(random).getBytes(StandardCharsets.UTF_8), random);
            case 5: { // a header line far beyond the limit
                String header = "X-Big: " + "a".repeat(70_000 + random.nextInt(60_000)) + "\r\n";
                return new Attempt("giant-header", ("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + header
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), true);
            }
            case 6: { // a request line far beyond the limit
                String uri = path + "?" + "q".repeat(9_000 + random.nextInt(20_000));
                return new Attempt("giant-uri", (method + " " + uri + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1), true);
            }
            case 7: { // declares far more than it sends, beyond the limit: 413 at once
                long declared = 1L << (20 + random.nextInt(40));
                return new Attempt("huge-length", (method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                        + pick(random, CONTENT_TYPES) + "\r\nContent-Length: " + declared + "\r\n\r\n{\"inputs\":")
                        .getBytes(StandardCharsets.ISO_8859_1), false);
            }
            case 8: { // body cut short of its Content-Length (within the limit)
                byte[] body = randomBytes(random, 100 + random.nextInt(1000));
                return new Attempt("truncated-body", concat((method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                        + (body.length + 1 + random.nextInt(5000)) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body), false);
            }
            case 9: { // broken framing: bad lengths, chunked nonsense, bad header lines
                String[] heads = {"Content-Length: -5", "Content-Length: abc", "Content-Length: 99999999999999999999",
                        "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked", "Content-Length: 3\r\nContent-Length: 4",
                        ": novalue", "Bad Header Line", "Host:\u0000\u0001", "Expect: 100-continue"};
                String head = heads[random.nextInt(heads.length)];
                byte[] body = head.contains("chunked") ? "zz\r\nnot hex\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)
                        : randomBytes(random, random.nextInt(64));
                return new Attempt("bad-framing", concat((method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + head
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body), false);
            }
            default: // random bytes with any content type
                return request("random-body", method, path, pick(random, CONTENT_TYPES), randomBytes(random, random.nextInt(8192)), random);
        }
    }

    private static Attempt request(String kind, String method, String path, String contentType, byte[] body, Random random) {
        StringBuilder head = new StringBuilder(method.isEmpty() ? "POST" : method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (!contentType.isEmpty()) head.append("Content-Type: ").append(contentType).append("\r\n");
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        return new Attempt(kind, concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), body), true);
    }

    private static byte[] badMultipart(Random random) {
        String[] forms = {
            "--xYz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n",
            "--xYz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n%s\r\n--xYz--\r\n",
            "--xYz\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n%s\r\n--xYz--\r\n",
            "--xYz\r\nContent-Disposition: form-data\r\n\r\n%s\r\n--xYz--\r\n",
            "--xYz\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n%s\r\n--xYz--\r\n",
            "--xYz--\r\n",
            "--wrong\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%s\r\n--wrong--\r\n",
            "--xYz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n" + "X: y\r\n".repeat(3000) + "\r\n%s\r\n--xYz--\r\n",
            "--xYz\r\n" + "Content-Disposition: form-data; name=\"" + "n".repeat(20_000) + "\"\r\n\r\n%s\r\n--xYz--\r\n",
        };
        String form = forms[random.nextInt(forms.length)];
        String payload = new String(randomBytes(random, random.nextInt(4000)), StandardCharsets.ISO_8859_1);
        return form.replace("%s", payload).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] badJson(Random random) {
        String valid = ServingTest.mlpRequest("id-" + random.nextInt(), "[1,2,3,4]", "[1,4]");
        switch (random.nextInt(7)) {
            case 0:
                return valid.substring(0, random.nextInt(valid.length())).getBytes(StandardCharsets.UTF_8);
            case 1: {
                byte[] b = valid.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 1 + random.nextInt(5); i++) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            }
            case 2: {
                int depth = 1000 + random.nextInt(20_000);
                return ("{\"inputs\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
            }
            case 3:
                return pick(random, List.of("null", "[]", "{}", "42", "\"text\"", "{\"inputs\":null}", "{\"inputs\":{}}",
                        "{\"inputs\":[null]}", "{\"inputs\":[42]}", "{\"inputs\":[{}]}", "true", "{\"instances\":5}",
                        "{\"data\":\"\u0000\"}", "{\"inputs\":[],\"outputs\":[{\"name\":5}]}")).getBytes(StandardCharsets.UTF_8);
            case 4:
                return ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1e999,-1e999,"
                        + "123456789012345678901234567890,NaN]}]}").getBytes(StandardCharsets.UTF_8);
            case 5:
                return ("{\"id\":\"" + "i".repeat(100_000) + "\"," + valid.substring(1)).getBytes(StandardCharsets.UTF_8);
            default:
                return new String(randomBytes(random, 200), StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String wrongTensor(Random random) {
        List<String> shapes = List.of("[1,4]", "[4]", "[2,2]", "[0,4]", "[-1,4]", "[1,-4]", "[]", "[1,4,1]", "[1000000,1000000]",
                "[9223372036854775807,2]", "[2147483648]", "[1.5,4]", "[\"1\",4]", "null", "{}", "[1,4,0]", "[65536,4]");
        List<String> datas = List.of("[1,2,3,4]", "[1,2,3]", "[[1,2],[3,4]]", "[[1,2,3,4]]", "[]", "[\"a\",\"b\",\"c\",\"d\"]",
                "[true,false,true,false]", "[null,null,null,null]", "[[[[1]]]]", "\"AAAA\"", "42", "{}", "[1,[2],3,4]",
                "[1e40,2,3,4]", "[" + "1,".repeat(2000) + "1]");
        String input = "{\"name\":\"" + pick(random, List.of("x", "input0", "", "y")) + "\",\"shape\":" + pick(random, shapes)
                + ",\"datatype\":\"" + pick(random, DATATYPES) + "\",\"data\":" + pick(random, datas)
                + (random.nextInt(5) == 0 ? ",\"parameters\":{\"binary_data_size\":" + random.nextInt() + "}" : "") + "}";
        String inputs = random.nextInt(6) == 0 ? "[" + input + "," + input + "]" : "[" + input + "]";
        String outputs = random.nextInt(4) == 0 ? ",\"outputs\":[{\"name\":\"" + pick(random, List.of("y", "nope", "")) + "\"}]" : "";
        return "{\"inputs\":" + inputs + outputs + "}";
    }

    /**
     * Sends one request; returns the status code, "closed (...)" when the server closed without answering, or
     * "timeout". An incomplete request is followed by a half-close (the client has nothing more to say), so the
     * server sees the end of the stream instead of waiting for bytes that never come; a complete one is not, as
     * ordinary HTTP clients do not half-close.
     */
    static String exchange(int port, Attempt attempt) throws IOException {
        byte[] request = attempt.bytes();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                if (!attempt.complete()) socket.shutdownOutput();
            } catch (IOException e) {
                // the server may answer (413, 400) and close before reading everything: read what it said
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = in.read()) >= 0 && b != '\n' && line.size() < 200) line.write(b);
            } catch (SocketTimeoutException e) {
                return "timeout";
            } catch (IOException e) {
                if (line.size() == 0) return "closed (" + e.getMessage() + ")";
            }
            String status = line.toString(StandardCharsets.ISO_8859_1);
            if (status.isEmpty()) return "closed (end of stream)";
            String[] parts = status.split(" ");
            return parts.length >= 2 && status.startsWith("HTTP/") ? parts[1] : "garbled:" + status.strip();
        }
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String token(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append((char) ('a' + random.nextInt(26)));
        return s.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String preview(byte[] request) {
        String s = new String(request, 0, Math.min(request.length, 300), StandardCharsets.ISO_8859_1);
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
