import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.djlkernel.djl.devices.GpuReading;
import io.djlkernel.djl.devices.Nvml;
import io.djlkernel.kernel.testing.KernelClient;
import io.djlkernel.kernel.testing.KernelProcess;
import io.djlkernel.kernel.transport.Channel;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel side of gpu/verify.sh: each item runs through the real kernel process over real ZeroMQ sockets
 * (the project's own Jupyter client, since a GPU machine's Python may lack jupyter_client) and prints one line
 * {@code RESULT<TAB>item<TAB>PASS|FAIL|SKIP<TAB>detail}, plus {@code METRIC<TAB>name<TAB>value} for the ratios
 * verify.sh computes against PyTorch on the same card. One item failing never stops the others.
 *
 * <p>Usage: {@code java -cp djl-kernel.jar:classes GpuVerify ROOT ITEM...} with ITEM among notebooks, gpu, matmul,
 * first-cell, serve, memory, interrupt, restart, debug (default: all). Env: VERIFY_CELL_S (a cell's limit, 120 s), FLASK_URL (the Flask baseline's
 * /predict, else the serving ratio is skipped), VERIFY_DEVICE (gpu0 by default; "cpu" to try the logic on CPU),
 * VERIFY_SIZES (matmul sizes, default 4096,8192).
 */
public class GpuVerify {
    /** GPU time is scarce: a hung cell must not eat the run (VERIFY_CELL_S, default 120 s). */
    private static final Duration CELL = Duration.ofSeconds(Long.parseLong(
            System.getenv().getOrDefault("VERIFY_CELL_S", "120")));
    /** In Device.fromName's form ("gpu0", "cpu"); DEVICE_SHOWN is how DJL prints it. */
    private static final String DEVICE = System.getenv().getOrDefault("VERIFY_DEVICE", "gpu0");
    private static final String DEVICE_SHOWN = DEVICE.equals("cpu") ? "cpu()" : "gpu(" + DEVICE.substring(3) + ")";
    private static final String IMPORTS = "import ai.djl.*; import ai.djl.ndarray.*; import ai.djl.ndarray.types.*;";
    private static Path root;
    private static int failures;

    public static void main(String[] args) throws Exception {
        root = Path.of(args[0]);
        List<String> items = args.length > 1 ? List.of(args).subList(1, args.length)
                // the targets first, the slow notebooks last
                : List.of("gpu", "matmul", "first-cell", "serve", "memory", "interrupt", "restart", "notebooks", "debug");
        for (String item : items) {
            try {
                switch (item) {
                    case "notebooks" -> notebooks();
                    case "gpu" -> gpuMagics();
                    case "matmul" -> matmul();
                    case "first-cell" -> firstCell();
                    case "serve" -> serve();
                    case "memory" -> memory();
                    case "interrupt" -> interrupt();
                    case "restart" -> restart();
                    case "debug" -> debug();
                    default -> result(item, "FAIL", "unknown item");
                }
            } catch (Throwable t) {
                result(item, "FAIL", t.getClass().getSimpleName() + ": " + t.getMessage());
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    static void result(String item, String verdict, String detail) {
        if (verdict.equals("FAIL")) failures++;
        System.out.println("RESULT\t" + item + "\t" + verdict + "\t" + detail.replace('\n', ' ').replace('\t', ' '));
        System.out.flush();
    }

    static void metric(String name, double value) {
        System.out.println("METRIC\t" + name + "\t" + value);
        System.out.flush();
    }

    /** A fresh kernel process (the packaged jar, this JVM's java), its environment inherited from verify.sh. */
    static KernelProcess startKernel() throws Exception {
        Path jar = Path.of(System.getProperty("verify.jar", root.resolve("kernel/target/djl-kernel.jar").toString()));
        return KernelProcess.start(KernelProcess.jarCommand(jar));
    }

    static KernelClient.Execution run(KernelClient c, String code) {
        return c.execute(code, o -> { }, CELL);
    }

    static String text(KernelClient.Execution e) {
        StringBuilder sb = new StringBuilder(e.stream("stdout"));
        for (var m : e.iopub()) {
            JsonObject data = m.content().getAsJsonObject("data");
            if (data != null && data.has("text/plain")) sb.append(data.get("text/plain").getAsString()).append('\n');
            if (m.type().equals("error")) sb.append(m.content().get("evalue").getAsString()).append('\n');
        }
        return sb.toString();
    }

    static String error(KernelClient.Execution e) {
        if (e.status().equals("ok")) return null;
        JsonObject c = e.reply().content();
        return c.has("evalue") ? c.get("ename").getAsString() + ": " + c.get("evalue").getAsString() : e.status();
    }

    // ---- the tensor cells of notebooks 00, 01 and 04, in order, in one kernel per notebook
    static void notebooks() throws Exception {
        for (String nb : List.of("00-verify-gpu", "01-tensors-on-the-gpu", "04-train-on-all-gpus")) {
            Path file = root.resolve("notebooks/" + nb + ".ipynb");
            JsonArray cells = JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonArray("cells");
            int ok = 0;
            int total = 0;
            List<String> errors = new ArrayList<>();
            long t0 = System.nanoTime();
            try (KernelProcess k = startKernel(); KernelClient c = KernelClient.connect(k.connection())) {
                for (var el : cells) {
                    JsonObject cell = el.getAsJsonObject();
                    if (!cell.get("cell_type").getAsString().equals("code")) continue;
                    StringBuilder src = new StringBuilder();
                    for (var line : cell.getAsJsonArray("source")) src.append(line.getAsString());
                    if (src.toString().isBlank()) continue;
                    total++;
                    var e = run(c, src.toString());
                    String err = error(e);
                    if (err == null) ok++;
                    else errors.add("cell " + total + ": " + err.lines().findFirst().orElse(""));
                }
            }
            result("notebook " + nb, ok == total ? "PASS" : "FAIL", ok + "/" + total + " cells ok in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms" + (errors.isEmpty() ? "" : "; " + errors));
        }
    }

    // ---- model debugging on the device (issue 15): trace, firstNonFinite and gradients of a net on DEVICE
    static void debug() throws Exception {
        try (KernelProcess k = startKernel(); KernelClient c = KernelClient.connect(k.connection())) {
            String setup = "var dm = NDManager.newBaseManager(Device.fromName(\"" + DEVICE + "\"));\n"
                    + "var net = new SequentialBlock().add(Linear.builder().setUnits(256).build())"
                    + ".add(Activation.reluBlock())\n"
                    + "    .add(new LambdaBlock(l -> new NDList(l.head().sub(1).log()), \"log\"))"
                    + ".add(Linear.builder().setUnits(10).build());\n"
                    + "net.initialize(dm, DataType.FLOAT32, new Shape(64, 128));\n"
                    + "var x = dm.randomNormal(new Shape(64, 128));";
            String err = error(run(c, setup));
            if (err != null) {
                result("debug", "FAIL", "setup: " + err);
                return;
            }
            String shown = DEVICE.equals("cpu") ? "cpu" : "cuda:" + DEVICE.substring(3);
            long t0 = System.nanoTime();
            var t = run(c, "var t = trace(net, x);\n"
                    + "t.rows().size() + \" \" + t.rows().get(1).output().device() + \" \" + t.rows().get(1).memoryBytes()"
                    + " + \" \" + t.error()");
            long traceMs = (System.nanoTime() - t0) / 1_000_000;
            String trace = text(t).strip();
            var f = run(c, "firstNonFinite(net, x).layer()");
            String first = text(f).strip();
            var g = run(c, "for (var p : net.getParameters()) p.getValue().getArray().setRequiresGradient(true);\n"
                    + "try (var gc = Engine.getInstance().newGradientCollector()) {\n"
                    + "    gc.backward(net.getChildren().valueAt(0).forward(new ParameterStore(dm, false), new NDList(x), true).head().sum());\n"
                    + "}\n"
                    + "gradients(net).rows().stream().filter(r -> r.gradNorm() > 0).count()");
            String grads = text(g).strip();
            String[] parts = trace.split(" ");
            boolean ok = error(t) == null && parts.length == 4 && parts[0].equals("5") && parts[1].equals(shown)
                    && Long.parseLong(parts[2]) > 0 && parts[3].equals("null")
                    && error(f) == null && first.equals("/03LambdaBlock")
                    && error(g) == null && grads.equals("2");
            result("debug", ok ? "PASS" : "FAIL", "trace: " + trace + " (rows, device, memory after, error; "
                    + traceMs + " ms) · firstNonFinite: " + first + " · parameters with a gradient: " + grads
                    + (error(t) != null ? " · " + error(t) : "") + (error(f) != null ? " · " + error(f) : "")
                    + (error(g) != null ? " · " + error(g) : ""));
        }
    }

    // ---- %gpu and %gpu --check (its GFLOP/s; verify.sh sets torch.matmul's beside it)
    static void gpuMagics() throws Exception {
        try (KernelProcess k = startKernel(); KernelClient c = KernelClient.connect(k.connection())) {
            var g = run(c, "%gpu");
            String out = text(g);
            boolean cuda = out.lines().anyMatch(l -> l.contains("CUDA available") && l.contains("yes"));
            result("%gpu", error(g) == null && cuda ? "PASS" : "FAIL",
                    out.lines().filter(l -> l.contains("CUDA available") || l.contains("Torch bridge")
                            || l.contains("libtorch")).map(String::strip).reduce((a, b) -> a + "; " + b).orElse(out));
            var check = run(c, "%gpu --check");
            String text = text(check);
            // the check's table row for the device: "gpu(0)  (1000, 1000)  0.21 ms  9500.0 ..."
            var m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(DEVICE_SHOWN)
                    + "\\s+\\(1000, 1000\\)\\s+[\\d.]+ ms\\s+([\\d.]+)").matcher(text);
            double gflops = m.find() ? Double.parseDouble(m.group(1)) : -1;
            if (gflops > 0) metric("djl_check_gflops", gflops);
            result("%gpu --check", error(check) == null && gflops > 0 && !text.contains("failed") ? "PASS" : "FAIL",
                    gflops > 0 ? gflops + " GFLOP/s (1000x1000 fp32)" : text.strip());
        }
    }

    // ---- 4096² and 8192² matmul, fp32/fp16/bf16, through DJL in the kernel (TFLOP/s; torch's in verify.sh)
    static final String BENCH = IMPORTS + """
            double tflops(int n, DataType dt) {
                try (NDManager m = NDManager.newBaseManager(Device.fromName("%s"))) {
                    NDArray a = m.randomUniform(-1f, 1f, new Shape(n, n)).toType(dt, false);
                    NDArray b = m.randomUniform(-1f, 1f, new Shape(n, n)).toType(dt, false);
                    int iters = n >= 8192 ? 10 : 40;
                    double best = Double.MAX_VALUE;
                    for (int r = 0; r < 4; r++) {   // r == 0 warms up (cuBLAS handles, kernels)
                        long t0 = System.nanoTime();
                        NDArray c = null;
                        for (int i = 0; i < iters; i++) { if (c != null) c.close(); c = a.matMul(b); }
                        c.get(0, 0).toType(DataType.FLOAT32, false).getFloat(); // copies to the host: waits for the GPU
                        c.close();
                        if (r > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9 / iters);
                    }
                    return 2.0 * n * n * n / best / 1e12;
                }
            }
            """;

    static void matmul() throws Exception {
        try (KernelProcess k = startKernel(); KernelClient c = KernelClient.connect(k.connection())) {
            var def = run(c, BENCH.formatted(DEVICE));
            if (error(def) != null) {
                result("matmul", "FAIL", error(def));
                return;
            }
            for (String size : System.getenv().getOrDefault("VERIFY_SIZES", "4096,8192").split(",")) {
                int n = Integer.parseInt(size.strip());
                for (String dt : new String[] {"FLOAT32", "FLOAT16", "BFLOAT16"}) {
                    String name = "matmul " + n + " " + dt.toLowerCase();
                    String id = c.sendExecute("System.out.println(tflops(" + n + ", DataType." + dt + "));", o -> { });
                    KernelClient.Execution e;
                    try {
                        e = c.awaitExecution(id, CELL);
                    } catch (AssertionError timeout) {
                        // stop the hung cell so the next sizes and dtypes still get measured
                        c.send(Channel.CONTROL, "interrupt_request", new JsonObject());
                        try {
                            c.awaitExecution(id, Duration.ofSeconds(30));
                        } catch (AssertionError stuck) {
                            result(name, "FAIL", "no result within " + CELL.toSeconds() + " s, and the interrupt did not "
                                    + "stop it (inside one native op): the remaining matmuls are not measured");
                            return;
                        }
                        result(name, "FAIL", "no result within " + CELL.toSeconds() + " s (interrupted)");
                        continue;
                    }
                    String err = error(e);
                    if (err != null) {
                        result(name, "FAIL", err);
                        continue;
                    }
                    double t = Double.parseDouble(e.stream("stdout").strip());
                    metric("djl_tflops_" + n + "_" + dt.toLowerCase(), t);
                    result(name, "PASS", String.format("%.2f TFLOP/s through DJL (ratio to torch in the summary)", t));
                }
            }
        }
    }

    // ---- first GPU tensor cell in a fresh kernel: engine load + CUDA context + 1000² matmul
    static void firstCell() throws Exception {
        try (KernelProcess k = startKernel(); KernelClient c = KernelClient.connect(k.connection())) {
            run(c, "1 + 1"); // the kernel and JShell are up: what follows is DJL's and CUDA's cost only
            long t0 = System.nanoTime();
            var e = run(c, IMPORTS + "NDManager fm = NDManager.newBaseManager(Device.fromName(\"" + DEVICE + "\"));"
                    + " NDArray fx = fm.randomUniform(-1f, 1f, new Shape(1000, 1000));"
                    + " System.out.println(fx.matMul(fx).get(0, 0).getFloat());");
            double s = (System.nanoTime() - t0) / 1e9;
            if (error(e) == null) metric("djl_first_cell_s", s);
            result("first GPU cell", error(e) == null ? "PASS" : "FAIL",
                    error(e) == null ? String.format("%.2f s (ratio to python in the summary)", s) : error(e));
        }
    }

    // ---- %model load onto the GPU, %serve answering /predict, throughput at 16 clients vs the Flask baseline
    static void serve() throws Exception {
        Path model = root.resolve("extensions/djl/src/test/resources/models/classifier");
        String device = DEVICE.equals("cpu") ? "cpu" : "gpu:" + DEVICE.substring(3);
        try (KernelProcess k = startKernel(); KernelClient c = KernelClient.connect(k.connection())) {
            var load = run(c, "%model load cls " + model + " --translator image-classification --size 32 --device "
                    + device);
            var info = run(c, "%model info cls");
            String infoText = text(info);
            boolean onDevice = infoText.contains(DEVICE_SHOWN);
            result("%model load", error(load) == null && onDevice ? "PASS" : "FAIL", error(load) != null ? error(load)
                    : infoText.lines().filter(l -> l.toLowerCase().contains("device")).findFirst().orElse(infoText));
            var url = run(c, "String verifyUrl = %serve cls --port 0 --workers 2;\nSystem.out.println(verifyUrl);");
            if (error(url) != null) {
                result("%serve", "FAIL", error(url));
                return;
            }
            // the magic reports what it started; the println of its value is the last line
            String base = url.stream("stdout").strip().lines().reduce((a, b) -> b).orElse("").strip();
            String predict = base.endsWith("/") ? base + "predict" : base + "/predict";
            byte[] png = png();
            HttpClient http = HttpClient.newHttpClient();
            var r = http.send(post(predict, png), HttpResponse.BodyHandlers.ofString());
            result("%serve /predict", r.statusCode() == 200 ? "PASS" : "FAIL", r.statusCode() + " " + r.body());
            load(http, predict, png, 16, 3); // warm-up: JIT, allocator, cuDNN autotuning
            double ours = load(http, predict, png, 16, 10);
            metric("djl_serve_rps_16", ours);
            String flask = System.getenv("FLASK_URL");
            if (flask == null || flask.isBlank()) {
                result("%serve vs Flask", "SKIP", String.format("ours %.0f req/s at 16 clients; no Flask baseline "
                        + "(FLASK_URL unset)", ours));
                return;
            }
            load(http, flask, png, 16, 3);
            double theirs = load(http, flask, png, 16, 10);
            metric("flask_serve_rps_16", theirs);
            result("%serve vs Flask", ours >= 2 * theirs ? "PASS" : "FAIL", String.format(
                    "%.0f vs %.0f req/s at 16 clients = %.2fx (target >= 2x)", ours, theirs, ours / theirs));
        }
    }

    static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new Color(200, 30, 30));
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static HttpRequest post(String url, byte[] png) {
        String boundary = "djlkernelverify";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"red.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(png);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    /** Requests per second answered 200 by {@code clients} closed-loop clients over {@code seconds}. */
    static double load(HttpClient http, String url, byte[] png, int clients, int seconds) throws Exception {
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                HttpRequest req = post(url, png);
                while (System.nanoTime() < end) {
                    try {
                        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) ok.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        return ok.get() / (double) seconds;
    }

    // ---- %memory and %memory --free: device memory read by NVML before and after
    static Long usedMiB() {
        Nvml nvml = Nvml.get();
        if (nvml == null) return null;
        List<GpuReading> r = nvml.readings();
        return r.isEmpty() ? null : r.get(0).memoryUsedMiB();
    }

    static void memory() throws Exception {
        try (KernelProcess k = startKernel(); KernelClient c = KernelClient.connect(k.connection())) {
            // the notebook's manager (on the default device, gpu(0) with a GPU): what %memory accounts for
            var alloc = run(c, IMPORTS + "NDManager mm = manager.newSubManager(Device.fromName(\"" + DEVICE + "\"));"
                    + " NDArray big = mm.ones(new Shape(256, 1024, 1024)); System.out.println(big.getFloat(0, 0, 0));");
            var mem = run(c, "%memory");
            String memText = text(mem);
            result("%memory", error(alloc) == null && error(mem) == null && memText.toLowerCase().contains("gpu")
                    ? "PASS" : "FAIL", error(alloc) != null ? error(alloc) : memText.lines().limit(6)
                    .map(String::strip).reduce((a, b) -> a + "; " + b).orElse(""));
            run(c, "big.close(); mm.close();"); // 1 GiB back to torch's caching allocator, still held on the device
            Long before = usedMiB();
            var free = run(c, "%memory --free");
            Thread.sleep(500);
            Long after = usedMiB();
            String detail = "NVML used " + before + " -> " + after + " MiB; " + text(free).lines().limit(3)
                    .map(String::strip).reduce((a, b) -> a + "; " + b).orElse("");
            boolean released = before != null && after != null && before - after >= 900;
            result("%memory --free", error(free) == null && released ? "PASS" : before == null ? "SKIP" : "FAIL", detail);
        }
    }

    // ---- interrupting a loop of GPU ops: the reply must come within 1 s of the interrupt
    static void interrupt() throws Exception {
        try (KernelProcess k = startKernel(); KernelClient c = KernelClient.connect(k.connection())) {
            var setup = run(c, IMPORTS + "NDManager im = NDManager.newBaseManager(Device.fromName(\"" + DEVICE
                    + "\")); NDArray ia = im.randomUniform(-1f, 1f, new Shape(2048, 2048));");
            if (error(setup) != null) {
                result("interrupt GPU loop", "FAIL", "setup: " + error(setup));
                return;
            }
            String id = c.sendExecute("long loops = 0; while (true) { NDArray t = ia.matMul(ia); t.close(); loops++; }",
                    o -> { });
            Thread.sleep(3000);
            var early = c.poll(Channel.SHELL, Duration.ofMillis(50));
            if (early != null && early.parentId().equals(id)) {
                result("interrupt GPU loop", "FAIL", "the loop ended before the interrupt: " + early.content());
                return;
            }
            long t0 = System.nanoTime();
            c.send(Channel.CONTROL, "interrupt_request", new JsonObject());
            var reply = c.awaitReply(Channel.SHELL, id, Duration.ofSeconds(30));
            double s = (System.nanoTime() - t0) / 1e9;
            metric("interrupt_s", s);
            var after = run(c, "System.out.println(ia.sum().getFloat());");
            result("interrupt GPU loop", s <= 1.0 && error(after) == null ? "PASS" : "FAIL", String.format(
                    "reply %s after %.3f s (target <= 1 s); kernel %s afterwards", reply.content().get("status")
                            .getAsString(), s, error(after) == null ? "usable" : "broken: " + error(after)));
        }
    }

    // ---- a kernel restart releases the CUDA context (NVML: device memory back to where it was)
    static void restart() throws Exception {
        Long baseline = usedMiB();
        if (baseline == null) {
            result("restart releases context", "SKIP", "no NVML reading here");
            return;
        }
        KernelProcess k = startKernel();
        KernelClient c = KernelClient.connect(k.connection());
        run(c, IMPORTS + "NDManager rm = NDManager.newBaseManager(Device.fromName(\"" + DEVICE + "\"));"
                + " System.out.println(rm.ones(new Shape(1000, 1000)).sum().getFloat());");
        Long held = usedMiB();
        JsonObject restart = new JsonObject();
        restart.addProperty("restart", true);
        c.request(Channel.CONTROL, "shutdown_request", restart);
        boolean exited = k.waitForExit(20, java.util.concurrent.TimeUnit.SECONDS);
        c.close();
        k.close();
        Thread.sleep(1000);
        Long after = usedMiB();
        // a new kernel, as Jupyter's restart starts one: it must get the GPU again
        String again;
        try (KernelProcess k2 = startKernel(); KernelClient c2 = KernelClient.connect(k2.connection())) {
            var e = run(c2, IMPORTS + "System.out.println(NDManager.newBaseManager(Device.fromName(\"" + DEVICE
                    + "\")).ones(new Shape(2)).sum().getFloat());");
            again = error(e) == null ? "the next kernel computes on " + DEVICE_SHOWN : "next kernel: " + error(e);
        }
        boolean released = exited && after != null && after <= baseline + 64;
        result("restart releases context", released ? "PASS" : "FAIL", "NVML used " + baseline + " before, " + held
                + " with the kernel, " + after + " MiB after shutdown (exited " + exited + "); " + again);
    }
}
