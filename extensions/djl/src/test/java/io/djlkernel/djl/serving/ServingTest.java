package io.djlkernel.djl.serving;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint over real sockets on loopback, CPU, offline, with the committed TorchScript fixtures. */
class ServingTest {
    static TorchScriptModel mlp;
    static TorchScriptModel classifier;
    static InferenceServer mlpServer;
    static InferenceServer imageServer;
    static String mlpUrl;
    static String imgUrl;

    static Path fixture(String rel) throws URISyntaxException {
        return Path.of(ServingTest.class.getResource("/models/" + rel).toURI());
    }

    @BeforeAll
    static void start() throws Exception {
        mlp = TorchScriptModel.load("mlp", fixture("mlp.pt"), null, -1, null, null);
        classifier = TorchScriptModel.load("colours", fixture("classifier"), "image-classification", 32, null, null);
        mlpServer = InferenceServer.start(mlp, opts("--port", "0", "--batch-size", "8", "--max-batch-delay", "5", "--workers", "2"));
        imageServer = InferenceServer.start(classifier, opts("--port", "0", "--token", "s3cret", "--warmup", "0")); // WarmupTest
        mlpUrl = mlpServer.url();
        imgUrl = imageServer.url();
    }

    @AfterAll
    static void stop() {
        if (mlpServer != null) mlpServer.stop(2000);
        if (imageServer != null) imageServer.stop(2000);
        if (mlp != null) mlp.close();
        if (classifier != null) classifier.close();
    }

    /**
     * Options for a test server; without {@code --warmup} in them, none: a warm-up sends the server its own traffic
     * for up to 30 s, which slows every test beside it and holds ready at 503 (WarmupTest covers it).
     */
    static ServeOptions opts(String... words) {
        List<String> all = new java.util.ArrayList<>(List.of(words));
        if (all.stream().noneMatch(w -> w.startsWith("--warmup"))) all.addAll(List.of("--warmup", "0"));
        return ServeOptions.parse(all);
    }

    static final String[] AUTH = {"Authorization", "Bearer s3cret"};

    static String mlpRequest(String id, String data, String shape) {
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"inputs\":[{\"name\":\"x\",\"shape\":" + shape
                + ",\"datatype\":\"FP32\",\"data\":" + data + "}]}";
    }

    static byte[] image(Color c, String format) throws IOException {
        BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, 48, 40);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out));
        return out.toByteArray();
    }

    // ---- Open Inference Protocol v2 ----

    @Test
    void serverMetadataAndHealth() throws Exception {
        JsonObject v2 = Http.get(mlpUrl + "/v2").json().getAsJsonObject();
        assertEquals("djl-kernel", v2.get("name").getAsString());
        assertTrue(v2.has("version"));
        assertTrue(v2.get("extensions").isJsonArray());
        assertEquals(200, Http.get(mlpUrl + "/v2/health/live").status());
        assertEquals(200, Http.get(mlpUrl + "/v2/health/ready").status());
        Http.Reply ready = Http.get(mlpUrl + "/v2/models/mlp/ready");
        assertEquals(200, ready.status());
        assertTrue(ready.json().getAsJsonObject().get("ready").getAsBoolean());
        assertTrue(ready.contentType().startsWith("application/json"));
    }

    @Test
    void modelMetadata() throws Exception {
        JsonObject m = Http.get(imgUrl + "/v2/models/colours", AUTH).json().getAsJsonObject();
        assertEquals("colours", m.get("name").getAsString());
        assertEquals("pytorch_torchscript", m.get("platform").getAsString());
        JsonObject in = m.getAsJsonArray("inputs").get(0).getAsJsonObject();
        assertEquals("FP32", in.get("datatype").getAsString());
        assertEquals("[-1,3,32,32]", in.get("shape").toString());
        JsonArray outs = m.getAsJsonArray("outputs");
        assertEquals("logits", outs.get(0).getAsJsonObject().get("name").getAsString());
        assertEquals("[-1,3]", outs.get(0).getAsJsonObject().get("shape").toString());
        assertEquals("BYTES", outs.get(1).getAsJsonObject().get("datatype").getAsString());
        assertEquals(200, Http.get(imgUrl + "/v2/models/colours/versions/1", AUTH).status());
    }

    @Test
    void unknownModelIs404EverywhereWithJsonError() throws Exception {
        for (String path : List.of("/v2/models/nope", "/v2/models/nope/ready")) {
            Http.Reply r = Http.get(mlpUrl + path);
            assertEquals(404, r.status(), path);
            assertTrue(r.json().getAsJsonObject().get("error").getAsString().contains("nope"));
        }
        assertEquals(404, Http.postJson(mlpUrl + "/v2/models/nope/infer", mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
        assertEquals(404, Http.postJson(mlpUrl + "/v2/models/mlp/versions/7/infer", mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
        assertEquals(404, Http.get(mlpUrl + "/no/such/route").status());
    }

    @Test
    void inferFlattenedAndNestedAgreeAndIdIsEchoed() throws Exception {
        Http.Reply flat = Http.postJson(mlpUrl + "/v2/models/mlp/infer", mlpRequest("req-1", "[1,2,3,4,5,6,7,8]", "[2,4]"));
        assertEquals(200, flat.status(), flat.body());
        JsonObject f = flat.json().getAsJsonObject();
        assertEquals("req-1", f.get("id").getAsString());
        assertEquals("mlp", f.get("model_name").getAsString());
        JsonObject out = f.getAsJsonArray("outputs").get(0).getAsJsonObject();
        assertEquals("output0", out.get("name").getAsString());
        assertEquals("FP32", out.get("datatype").getAsString());
        assertEquals("[2,3]", out.get("shape").toString());
        assertEquals(6, out.getAsJsonArray("data").size());
        Http.Reply nested = Http.postJson(mlpUrl + "/v2/models/mlp/versions/1/infer", mlpRequest(null, "[[1,2,3,4],[5,6,7,8]]", "[2,4]"));
        assertEquals(200, nested.status());
        JsonObject n = nested.json().getAsJsonObject();
        assertFalse(n.has("id"));
        assertEquals("1", n.get("model_version").getAsString());
        assertEquals(out.get("data"), n.getAsJsonArray("outputs").get(0).getAsJsonObject().get("data"));
        // the same numbers as the model called directly
        try (var p = mlp.newTensorPredictor(); var m = ai.djl.ndarray.NDManager.newBaseManager()) {
            float[] direct = p.predict(new ai.djl.ndarray.NDList(m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new ai.djl.ndarray.types.Shape(2, 4))))
                    .singletonOrThrow().toFloatArray();
            JsonArray d = out.getAsJsonArray("data");
            for (int i = 0; i < direct.length; i++) assertEquals(direct[i], d.get(i).getAsFloat(), 1e-6);
        }
    }

    @Test
    void requestedOutputsAreHonoured() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(image(Color.RED, "png"));
        String req = "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"" + b64 + "\"]}],"
                + "\"outputs\":[{\"name\":\"label\"}]}";
        Http.Reply r = Http.postJson(imgUrl + "/v2/models/colours/infer", req, AUTH);
        assertEquals(200, r.status(), r.body());
        JsonArray outs = r.json().getAsJsonObject().getAsJsonArray("outputs");
        assertEquals(1, outs.size());
        assertEquals("label", outs.get(0).getAsJsonObject().get("name").getAsString());
        assertEquals("BYTES", outs.get(0).getAsJsonObject().get("datatype").getAsString());
        assertEquals("red", outs.get(0).getAsJsonObject().getAsJsonArray("data").get(0).getAsString());
        Http.Reply bad = Http.postJson(imgUrl + "/v2/models/colours/infer", req.replace("\"label\"", "\"nope\""), AUTH);
        assertEquals(400, bad.status());
        assertTrue(bad.json().getAsJsonObject().get("error").getAsString().contains("nope"));
        Http.Reply both = Http.postJson(imgUrl + "/v2/models/colours/infer", req.replace(",\"outputs\":[{\"name\":\"label\"}]", ""), AUTH);
        assertEquals(2, both.json().getAsJsonObject().getAsJsonArray("outputs").size());
    }

    @Test
    void badInputsAre4xxJsonAndTheEndpointKeepsServing() throws Exception {
        String infer = mlpUrl + "/v2/models/mlp/infer";
        String[][] cases = {
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[2,4],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}", "elements"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,", "malformed JSON"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FLOAT\",\"data\":[1,2,3,4]}]}", "datatype"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP16\",\"data\":[1,2,3,4]}]}", "FP16"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[\"a\",2,3,4]}]}", "numbers"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"INT8\",\"data\":[1,2,3,400]}]}", "out of range"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"INT32\",\"data\":[1,2,3,4.5]}]}", "integers"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"BOOL\",\"data\":[1,0,1,0]}]}", "true/false"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,-4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}", "non-negative"},
            {"{\"inputs\":[]}", "inputs"},
            {"[1,2,3]", "object"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,5],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5]}]}", "could not run"},
            {"{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]},{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}", "twice"},
        };
        for (String[] c : cases) {
            Http.Reply r = Http.postJson(infer, c[0]);
            assertEquals(400, r.status(), c[0] + " -> " + r.body());
            String err = r.json().getAsJsonObject().get("error").getAsString();
            assertTrue(err.contains(c[1]), c[0] + " -> " + err);
        }
        // wrong dtype and shape against a declared signature
        String imgInfer = imgUrl + "/v2/models/colours/infer";
        Http.Reply dtype = Http.postJson(imgInfer, "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,3,32,32],\"datatype\":\"INT32\",\"data\":" + zeros(3072) + "}]}", AUTH);
        assertEquals(400, dtype.status());
        assertTrue(dtype.body().contains("datatype INT32"), dtype.body());
        Http.Reply shape = Http.postJson(imgInfer, "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,3,16,16],\"datatype\":\"FP32\",\"data\":" + zeros(768) + "}]}", AUTH);
        assertEquals(400, shape.status());
        assertTrue(shape.body().contains("shape"), shape.body());
        assertEquals(405, Http.get(infer).status());
        // still serving
        assertEquals(200, Http.postJson(infer, mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
    }

    static String zeros(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "0" : ",0");
        return sb.append(']').toString();
    }

    // ---- /predict, /predictions, /ping ----

    @Test
    void predictClassifiesRealPngAndJpeg() throws Exception {
        Http.Reply png = Http.postFile(imgUrl + "/predict", "file", "red.png", "image/png", image(Color.RED, "png"), AUTH);
        assertEquals(200, png.status(), png.body());
        JsonObject p = png.json().getAsJsonObject();
        assertEquals(0, p.get("class_id").getAsInt());
        assertEquals("red", p.get("class").getAsString());
        double prob = p.get("probability").getAsDouble();
        assertTrue(prob > 0.5 && prob <= 1.0, "probability " + prob);
        Http.Reply jpg = Http.postFile(imgUrl + "/predict", "file", "blue.jpg", "image/jpeg", image(Color.BLUE, "jpg"), AUTH);
        assertEquals(200, jpg.status(), jpg.body());
        assertEquals(2, jpg.json().getAsJsonObject().get("class_id").getAsInt());
        Http.Reply raw = Http.post(imgUrl + "/predict", "image/png", image(Color.GREEN, "png"), AUTH);
        assertEquals(1, raw.json().getAsJsonObject().get("class_id").getAsInt());
    }

    @Test
    void predictRejectsWhatIsNotAnImage() throws Exception {
        Http.Reply txt = Http.postFile(imgUrl + "/predict", "file", "notes.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8), AUTH);
        assertEquals(400, txt.status());
        assertTrue(txt.json().getAsJsonObject().get("error").getAsString().contains("not an image"));
        Http.Reply empty = Http.post(imgUrl + "/predict", "image/png", new byte[0], AUTH);
        assertEquals(400, empty.status());
        byte[] png = image(Color.RED, "png");
        Http.Reply truncated = Http.post(imgUrl + "/predict", "image/png", java.util.Arrays.copyOf(png, png.length / 3), AUTH);
        assertTrue(truncated.status() == 400 || truncated.status() == 200, truncated.body());
        Http.Reply notClassifier = Http.postFile(mlpUrl + "/predict", "file", "red.png", "image/png", png);
        assertEquals(400, notClassifier.status());
        assertEquals(200, Http.postFile(imgUrl + "/predict", "file", "red.png", "image/png", png, AUTH).status());
    }

    @Test
    void predictionsAndPingLikeDjlServing() throws Exception {
        Http.Reply ping = Http.get(imgUrl + "/ping");
        assertEquals(200, ping.status());
        assertEquals("Healthy", ping.json().getAsJsonObject().get("status").getAsString());
        Http.Reply top = Http.postFile(imgUrl + "/predictions/colours", "data", "g.png", "image/png", image(Color.GREEN, "png"), AUTH);
        assertEquals(200, top.status(), top.body());
        JsonArray a = top.json().getAsJsonArray();
        assertEquals("green", a.get(0).getAsJsonObject().get("className").getAsString());
        Http.Reply tensor = Http.postJson(mlpUrl + "/predictions/mlp", "[[1,2,3,4]]");
        assertEquals(200, tensor.status(), tensor.body());
        assertEquals(3, tensor.json().getAsJsonArray().get(0).getAsJsonArray().size());
        assertEquals(404, Http.postJson(mlpUrl + "/predictions/other", "[[1,2,3,4]]").status());
    }

    // ---- limits, auth, metrics ----

    @Test
    void hundredMegabyteBodyIs413() throws Exception {
        try (Socket s = new Socket("127.0.0.1", mlpServer.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + (100L << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                byte[] chunk = new byte[1 << 16];
                for (int i = 0; i < 16; i++) out.write(chunk);
                out.flush();
            } catch (IOException ignored) {
                // the server may close early: the answer is already there
            }
            String head = new String(s.getInputStream().readNBytes(300), StandardCharsets.UTF_8);
            assertTrue(head.startsWith("HTTP/1.1 413"), head);
            assertTrue(head.contains("\"error\""), head);
        }
        InferenceServer small = InferenceServer.start(mlp, opts("--port", "0", "--max-request-size", "1k"));
        try {
            Http.Reply r = Http.postJson(small.url() + "/v2/models/mlp/infer", mlpRequest(null, zeros(1000), "[250,4]"));
            assertEquals(413, r.status());
            assertTrue(r.json().getAsJsonObject().get("error").getAsString().contains("limit"));
            assertEquals(200, Http.postJson(small.url() + "/v2/models/mlp/infer", mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
        } finally {
            small.stop(1000);
        }
        assertEquals(200, Http.postJson(mlpUrl + "/v2/models/mlp/infer", mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
    }

    @Test
    void bearerTokenGuardsAllButHealth() throws Exception {
        Http.Reply none = Http.get(imgUrl + "/v2/models/colours");
        assertEquals(401, none.status());
        assertTrue(none.json().getAsJsonObject().get("error").getAsString().contains("token"));
        assertEquals(401, Http.get(imgUrl + "/v2/models/colours", "Authorization", "Bearer wrong").status());
        assertEquals(401, Http.postFile(imgUrl + "/predict", "file", "r.png", "image/png", image(Color.RED, "png"),
                "Authorization", "Bearer wrong").status());
        assertEquals(200, Http.get(imgUrl + "/v2/health/live").status());
        assertEquals(200, Http.get(imgUrl + "/v2/health/ready").status());
        assertEquals(200, Http.get(imgUrl + "/ping").status());
        assertEquals(200, Http.get(imgUrl + "/v2/models/colours", AUTH).status());
    }

    @Test
    void metricsInPrometheusText() throws Exception {
        Http.postJson(mlpUrl + "/v2/models/mlp/infer", mlpRequest(null, "[1,2,3,4]", "[1,4]"));
        Http.postJson(mlpUrl + "/v2/models/mlp/infer", "{");
        Http.Reply m = Http.get(mlpUrl + "/metrics");
        assertEquals(200, m.status());
        assertTrue(m.contentType().startsWith("text/plain"), m.contentType());
        String t = m.body();
        for (String want : List.of("djlkernel_requests_total{", "code=\"200\"", "code=\"400\"",
                "djlkernel_request_duration_seconds_bucket{", "djlkernel_queue_time_seconds_bucket{",
                "djlkernel_batch_size_bucket{", "djlkernel_requests_in_flight", "djlkernel_device_memory_used_bytes{device=\"cpu\"}")) {
            assertTrue(t.contains(want), "missing " + want + " in\n" + t);
        }
    }

    @Test
    void openApiDocument() throws Exception {
        Http.Reply r = Http.get(mlpUrl + "/openapi.json");
        assertEquals(200, r.status());
        JsonObject o = r.json().getAsJsonObject();
        assertTrue(o.get("openapi").getAsString().startsWith("3."));
        assertTrue(o.getAsJsonObject("paths").has("/v2/models/{model}/infer"));
    }

    // ---- concurrency, batching, stop/restart ----

    @Test
    void concurrentClientsAreBatchedAndEachGetsItsOwnRows() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String[]>> futures = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    String data = "[" + k + "," + (k + 1) + "," + (k * 2) + ",1]";
                    Http.Reply r = Http.postJson(mlpUrl + "/v2/models/mlp/infer", mlpRequest("c" + k, data, "[1,4]"));
                    return new String[] {Integer.toString(r.status()), r.body(), data};
                }));
            }
            try (var p = mlp.newTensorPredictor(); var m = ai.djl.ndarray.NDManager.newBaseManager()) {
                for (int i = 0; i < futures.size(); i++) {
                    String[] r = futures.get(i).get();
                    assertEquals("200", r[0], r[1]);
                    JsonObject o = com.google.gson.JsonParser.parseString(r[1]).getAsJsonObject();
                    assertEquals("c" + i, o.get("id").getAsString());
                    assertEquals("[1,3]", o.getAsJsonArray("outputs").get(0).getAsJsonObject().get("shape").toString());
                    float[] in = {i, i + 1, i * 2, 1};
                    float[] direct = p.predict(new ai.djl.ndarray.NDList(m.create(in, new ai.djl.ndarray.types.Shape(1, 4)))).singletonOrThrow().toFloatArray();
                    JsonArray d = o.getAsJsonArray("outputs").get(0).getAsJsonObject().getAsJsonArray("data");
                    for (int j = 0; j < 3; j++) assertEquals(direct[j], d.get(j).getAsFloat(), 1e-4 * Math.max(1, Math.abs(direct[j])));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        String metrics = Http.get(mlpUrl + "/metrics").body();
        assertTrue(metrics.contains("djlkernel_batch_size_count"), metrics);
    }

    @Test
    void requestsThatCannotStackDoNotStopTheWorkersBatchingTheOthers() throws Exception {
        // scalars (rank 0) and rows of another width arrive among stackable [1,4] rows while workers collect batches
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Http.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                int k = i;
                futures.add(pool.submit(() -> Http.postJson(mlpUrl + "/v2/models/mlp/infer",
                        k % 3 == 1 ? mlpRequest(null, "[5]", "[]")
                                : k % 3 == 2 ? mlpRequest(null, "[1,2,3]", "[1,3]") : mlpRequest(null, "[1,2,3,4]", "[1,4]"))));
            }
            for (int i = 0; i < futures.size(); i++) {
                Http.Reply r = futures.get(i).get();
                assertEquals(i % 3 == 0 ? 200 : 400, r.status(), i + ": " + r.body());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200, Http.postJson(mlpUrl + "/v2/models/mlp/infer", mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
    }

    @Test
    void stopAndRestartOnTheSamePort() throws Exception {
        InferenceServer s = Endpoints.start(new Renamed(mlp, "again"), opts("--port", "0"));
        int port = s.port();
        String url = s.url();
        assertEquals(200, Http.postJson(url + "/v2/models/again/infer", mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
        assertTrue(Endpoints.stop("again", 2000));
        assertFalse(s.isRunning());
        assertThrows(ConnectException.class, () -> Http.get(url + "/v2/health/live"));
        InferenceServer s2 = Endpoints.start(new Renamed(mlp, "again"), opts("--port", Integer.toString(port)));
        try {
            assertEquals(200, Http.postJson(url + "/v2/models/again/infer", mlpRequest(null, "[1,2,3,4]", "[1,4]")).status());
        } finally {
            Endpoints.stop("again", 2000);
        }
        assertFalse(s2.isRunning());
    }

    @Test
    void queueFullIs503AndStoppingDrainsInFlight() throws Exception {
        // a model that takes 150 ms a batch: one worker and a queue of one are then surely overrun by 24 clients
        ai.djl.Model slow = ai.djl.Model.newInstance("slow", ai.djl.Device.cpu());
        slow.setBlock(new ai.djl.nn.LambdaBlock(in -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new ai.djl.ndarray.NDList(in.head().mul(2));
        }));
        ServableModel slowModel = new ServableModel() {
            public String name() { return "slow"; }
            public ai.djl.Device device() { return ai.djl.Device.cpu(); }
            public List<IoSpec> inputs() { return List.of(); }
            public List<IoSpec> outputs() { return List.of(); }
            public List<String> synset() { return List.of(); }
            public int imageSize() { return -1; }
            public Path source() { return null; }
            public ai.djl.inference.Predictor<ai.djl.ndarray.NDList, ai.djl.ndarray.NDList> newTensorPredictor() {
                return slow.newPredictor(new ai.djl.translate.NoopTranslator());
            }
        };
        InferenceServer s = InferenceServer.start(slowModel,
                opts("--port", "0", "--queue-size", "1", "--workers", "1", "--batch-size", "1"));
        String request = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                fs.add(pool.submit(() -> Http.postJson(s.url() + "/v2/models/slow/infer", request).status()));
            }
            int ok = 0;
            int busy = 0;
            for (Future<Integer> f : fs) {
                int code = f.get();
                if (code == 200) ok++;
                else if (code == 503) busy++;
                else throw new AssertionError("unexpected " + code);
            }
            assertTrue(ok > 0, "some served");
            assertTrue(busy > 0, "some refused with 503 (ok=" + ok + ")");
            // drain: a request in flight when stop() starts still gets its answer
            Future<Http.Reply> late = pool.submit(() -> Http.postJson(s.url() + "/v2/models/slow/infer", request));
            Thread.sleep(60);
            s.stop(10_000);
            Http.Reply reply = late.get();
            assertEquals(200, reply.status(), reply.body());
            assertEquals("[2.0,4.0,6.0]", reply.json().getAsJsonObject().getAsJsonArray("outputs").get(0)
                    .getAsJsonObject().get("data").toString());
        } finally {
            pool.shutdownNow();
            s.stop(0);
            slow.close();
        }
    }

    /** The body of a printed {@code curl ... -d '{...}'} command. */
    static String curlBody(String curl) {
        int at = curl.indexOf("-d '");
        assertTrue(at > 0, curl);
        return curl.substring(at + 4, curl.lastIndexOf('\''));
    }

    @Test
    void printedCurlCommandsWorkAsPrinted() throws Exception {
        // a bare TorchScript file declares no inputs: the example request still runs on the 4-feature MLP
        String bare = ServeMagic.curl(mlpServer, mlp);
        assertTrue(bare.startsWith("curl -H 'Content-Type: application/json' " + mlpUrl + "/v2/models/mlp/infer"), bare);
        assertEquals(200, Http.postJson(mlpUrl + "/v2/models/mlp/infer", curlBody(bare)).status());

        // declared inputs: their names, datatypes and shapes (variable dimensions as 1)
        ServableModel declared = new ServableModel() {
            public String name() { return "mlp"; }
            public ai.djl.Device device() { return mlp.device(); }
            public List<IoSpec> inputs() { return List.of(new IoSpec("features", V2Type.FP32, new long[] {-1, 4})); }
            public List<IoSpec> outputs() { return List.of(); }
            public List<String> synset() { return List.of(); }
            public int imageSize() { return -1; }
            public Path source() { return null; }
            public ai.djl.inference.Predictor<ai.djl.ndarray.NDList, ai.djl.ndarray.NDList> newTensorPredictor() {
                return mlp.newTensorPredictor();
            }
        };
        InferenceServer s = InferenceServer.start(declared, opts("--port", "0", "--token", "t0k"));
        try {
            String cmd = ServeMagic.curl(s, declared);
            assertTrue(cmd.contains("-H 'Authorization: Bearer t0k'"), cmd);
            assertTrue(curlBody(cmd).contains("\"name\":\"features\",\"shape\":[1,4],\"datatype\":\"FP32\""), cmd);
            Http.Reply r = Http.postJson(s.url() + "/v2/models/mlp/infer", curlBody(cmd), "Authorization", "Bearer t0k");
            assertEquals(200, r.status(), r.body());
        } finally {
            s.stop(1000);
        }

        // an image classifier: an upload to /predict
        assertTrue(ServeMagic.curl(imageServer, classifier).contains("-F file=@image.png " + imgUrl + "/predict"));
    }

    @Test
    void perRequestTimeoutIs504() throws Exception {
        InferenceServer s = InferenceServer.start(mlp, opts("--port", "0", "--timeout", "1ms"));
        try {
            Http.Reply r = Http.postJson(s.url() + "/v2/models/mlp/infer", mlpRequest(null, zeros(4 * 200000), "[200000,4]"));
            assertEquals(504, r.status(), r.body());
            assertTrue(r.json().getAsJsonObject().get("error").getAsString().contains("timeout"));
            assertEquals(200, Http.get(s.url() + "/v2/health/live").status());
        } finally {
            s.stop(2000);
        }
    }

    // ---- export and the standalone command ----

    @Test
    void exportRoundTrip(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("colours");
        List<Path> files = ModelExporter.export(classifier, dir, 8, 20);
        assertTrue(files.contains(dir.resolve("colours.pt")));
        String props = Files.readString(dir.resolve("serving.properties"));
        for (String want : List.of("engine=PyTorch", "translatorFactory=" + TorchScriptModel.IMAGE_FACTORY, "width=32",
                "batch_size=8", "max_batch_delay=20", "option.modelName=colours", "synsetFileName=synset.txt")) {
            assertTrue(props.contains(want), want + " in\n" + props);
        }
        String yaml = Files.readString(dir.resolve("inferenceservice.yaml"));
        assertTrue(yaml.contains("kind: InferenceService") && yaml.contains("protocolVersion: v2") && yaml.contains("kserve-djlserving"), yaml);
        assertTrue(Files.readString(dir.resolve("README.md")).contains("serve --model"));
        try (TorchScriptModel back = TorchScriptModel.load("colours", dir, null, -1, null, null)) {
            assertEquals(32, back.imageSize());
            assertEquals(List.of("red", "green", "blue"), back.synset());
            assertEquals(8, back.servingBatching()[0]);
            InferenceServer s = InferenceServer.start(back, opts("--port", "0"));
            try {
                Http.Reply r = Http.postFile(s.url() + "/predict", "file", "b.png", "image/png", image(Color.BLUE, "png"));
                assertEquals("blue", r.json().getAsJsonObject().get("class").getAsString());
            } finally {
                s.stop(1000);
            }
        }
        try (TorchScriptModel m2 = TorchScriptModel.load("mlp", fixture("mlp.pt"), null, -1, null, null)) {
            ModelExporter.export(m2, tmp.resolve("mlp"), 1, 0);
            assertTrue(Files.readString(tmp.resolve("mlp/serving.properties")).contains(ModelExporter.NOOP_FACTORY));
        }
    }

    @Test
    void serveCommandRejectsBadArguments() throws Exception {
        ServeCommand c = new ServeCommand();
        var err = new java.io.ByteArrayOutputStream();
        assertEquals(2, c.run(List.of("--port", "x", "--model", "m.pt"), System.out, new java.io.PrintStream(err)));
        assertTrue(err.toString().contains("--port"));
        assertEquals(2, c.run(List.of(), System.out, new java.io.PrintStream(err)));
        assertEquals(1, c.run(List.of("--model", "/no/such.pt"), System.out, new java.io.PrintStream(err)));
        assertTrue(err.toString().contains("no such model"));
    }

    /** The same model under another name. */
    record Renamed(ServableModel m, String name) implements ServableModel {
        @Override public ai.djl.Device device() { return m.device(); }
        @Override public List<IoSpec> inputs() { return m.inputs(); }
        @Override public List<IoSpec> outputs() { return m.outputs(); }
        @Override public List<String> synset() { return m.synset(); }
        @Override public int imageSize() { return m.imageSize(); }
        @Override public Path source() { return m.source(); }
        @Override public ai.djl.inference.Predictor<ai.djl.ndarray.NDList, ai.djl.ndarray.NDList> newTensorPredictor() { return m.newTensorPredictor(); }
    }

    static InputStream unused() {
        return null;
    }
}
