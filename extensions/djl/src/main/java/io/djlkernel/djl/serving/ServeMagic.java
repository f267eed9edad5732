package io.djlkernel.djl.serving;

import ai.djl.Device;
import ai.djl.repository.zoo.ZooModel;
import io.djlkernel.api.magic.MagicArgs;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code %serve} and {@code %export}. */
public final class ServeMagic {
    public static final String SUMMARY = "Serve a loaded model over HTTP (Open Inference Protocol v2, /predict, /metrics)";
    public static final String USAGE = ServeOptions.USAGE + "\n%serve NAME --model PATH [--translator image-classification --size N]: load and serve a TorchScript file"
            + "\nIn a notebook there is no warm-up unless --warmup is given (it would take CPU from the next cells).";
    public static final String EXPORT_SUMMARY = "Export a model as a DJL Serving folder with a KServe manifest";
    public static final String EXPORT_USAGE = "%export NAME --to DIR [--batch-size N] [--max-batch-delay MS]";

    private ServeMagic() {
    }

    public static Object run(String args, MagicContext ctx) throws Exception {
        List<String> words = MagicArgs.split(args == null ? "" : args);
        if (words.isEmpty()) throw new MagicException("usage: " + USAGE);
        if (words.get(0).equals("list")) return list();
        if (words.get(0).equals("stop")) {
            if (words.size() != 2) throw new MagicException("usage: %serve stop NAME | %serve stop --all");
            if (words.get(1).equals("--all")) {
                int n = Endpoints.stopAll(10_000);
                System.out.println("stopped " + n + " endpoint(s)");
                return null;
            }
            if (!Endpoints.stop(words.get(1), 10_000)) throw new MagicException("no endpoint serves '" + words.get(1) + "'; %serve list shows them");
            System.out.println("stopped " + words.get(1));
            return null;
        }
        ServeOptions o;
        try {
            // in a notebook the warm-up's self-traffic would compete with the user's next cells for up to 30 s:
            // %serve warms up only when asked (--warmup 20s); the serve command (a deployment) warms up by default
            List<String> withWarmup = new java.util.ArrayList<>(words);
            if (withWarmup.stream().noneMatch(w -> w.startsWith("--warmup"))) withWarmup.addAll(List.of("--warmup", "0"));
            o = ServeOptions.parse(withWarmup);
        } catch (IllegalArgumentException e) {
            throw new MagicException(e.getMessage());
        }
        if (o.positional().size() != 1) throw new MagicException("usage: " + USAGE);
        String name = o.positional().get(0);
        // a reload replaces (closes) the model of that name: stop its endpoint first, draining what is in flight
        if (o.model() != null) Endpoints.stop(name, 10_000);
        ServableModel model = resolve(name, o, ctx);
        InferenceServer s;
        try {
            s = Endpoints.start(model, o.withName(name));
        } catch (RuntimeException e) {
            throw new MagicException("cannot listen on " + o.host() + ":" + o.port() + ": " + e.getMessage()
                    + " (pick another with --port, or --port 0 for any free one)");
        }
        System.out.println("Serving " + name + " at " + s.url() + "  (V2: " + s.url() + "/v2/models/" + name + ")");
        System.out.println(curl(s, model));
        return ctx.isExpression() ? s.url() : null;
    }

    /** Largest input written out inline in the example request; bigger ones read the body from a file. */
    static final int INLINE_ELEMENTS = 64;

    /**
     * A curl command that works as printed against this endpoint: an image upload for an image classifier, else a
     * V2 request shaped like the model's declared inputs (zeros; variable dimensions as 1). Models that declare no
     * inputs get a one-input example to edit.
     */
    static String curl(InferenceServer s, ServableModel model) {
        String auth = s.options().token() == null ? "" : " -H 'Authorization: Bearer " + s.options().token() + "'";
        if (model.isImageClassifier()) return "curl" + auth + " -F file=@image.png " + s.url() + "/predict";
        String url = s.url() + "/v2/models/" + model.name() + "/infer";
        List<IoSpec> inputs = model.inputs();
        StringBuilder body = new StringBuilder("{\"inputs\":[");
        long largest = 0;
        if (inputs.isEmpty()) {
            body.append("{\"name\":\"input0\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[0,0,0,0]}");
        }
        for (int i = 0; i < inputs.size(); i++) {
            IoSpec in = inputs.get(i);
            long[] shape = in.shape().clone();
            for (int d = 0; d < shape.length; d++) if (shape[d] < 0) shape[d] = 1;
            long n = HostTensor.elementCount(shape);
            largest = Math.max(largest, n);
            if (i > 0) body.append(',');
            body.append("{\"name\":\"").append(in.name()).append("\",\"shape\":").append(Arrays.toString(shape).replace(" ", ""))
                    .append(",\"datatype\":\"").append(in.datatype().name()).append("\",\"data\":[");
            String zero = in.datatype() == V2Type.BOOL ? "false" : in.datatype() == V2Type.BYTES ? "\"\"" : "0";
            if (n > INLINE_ELEMENTS) {
                body.append("...").append(n).append(" values...");
            } else {
                for (long k = 0; k < n; k++) body.append(k > 0 ? "," : "").append(zero);
            }
            body.append("]}");
        }
        body.append("]}");
        String head = "curl" + auth + " -H 'Content-Type: application/json' " + url;
        if (largest > INLINE_ELEMENTS) return head + " -d @request.json   # request.json holds " + body;
        return head + " -d '" + body + "'";
    }

    private static ServableModel resolve(String name, ServeOptions o, MagicContext ctx) throws Exception {
        if (o.inputShape() != null && o.model() == null) {
            throw new MagicException("--input-shape goes with --model PATH (it declares the input of the file it loads)");
        }
        if (o.model() != null) {
            Path p = ctx.workingDirectory() != null ? ctx.workingDirectory().resolve(o.model()) : Path.of(o.model());
            TorchScriptModel m = TorchScriptModel.load(name, p, o.translator(), o.imageSize(),
                    o.synset() == null ? null : p.resolveSibling(o.synset()), null, o.inputShape());
            ServableModels.register(m);
            return m;
        }
        Optional<ServableModel> found = ServableModels.find(name);
        if (found.isPresent()) return found.get();
        Object value = null;
        if (name.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
            try {
                value = ctx.eval(name);
            } catch (Exception ignored) {
                // not a variable
            }
        }
        if (value instanceof ServableModel sm) return sm;
        if (value instanceof ZooModel<?, ?> zm) {
            int size = o.translator() != null && o.translator().toLowerCase(Locale.ROOT).startsWith("image") ? Math.max(1, o.imageSize() > 0 ? o.imageSize() : 224) : -1;
            return TorchScriptModel.wrap(name, zm, zm.getNDManager().getDevice() == null ? Device.cpu() : zm.getNDManager().getDevice(),
                    zm.getModelPath(), List.of(), size, () -> false);
        }
        throw new MagicException("no model named '" + name + "': load it with %model load " + name + " PATH, or serve a file with %serve "
                + name + " --model PATH");
    }

    private static String list() {
        List<InferenceServer> all = Endpoints.all();
        if (all.isEmpty()) return "no endpoints (start one with %serve NAME)";
        StringBuilder sb = new StringBuilder(String.format("%-32s %-16s %9s %9s %9s%n", "URL", "MODEL", "REQUESTS", "P50 ms", "P99 ms"));
        for (InferenceServer s : all) {
            sb.append(String.format("%-32s %-16s %9d %9.2f %9.2f%n", s.url(), s.model().name(), s.requestCount(),
                    s.percentileMillis(50), s.percentileMillis(99)));
        }
        System.out.print(sb);
        return null;
    }

    public static Object export(String args, MagicContext ctx) throws Exception {
        List<String> words = MagicArgs.split(args == null ? "" : args);
        String name = null;
        String to = null;
        int batch = 1;
        long delay = 100;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--to") && i + 1 < words.size()) to = words.get(++i);
            else if (w.equals("--batch-size") && i + 1 < words.size()) batch = Integer.parseInt(words.get(++i));
            else if (w.equals("--max-batch-delay") && i + 1 < words.size()) delay = Long.parseLong(words.get(++i));
            else if (!w.startsWith("--") && name == null) name = w;
            else throw new MagicException("usage: " + EXPORT_USAGE);
        }
        if (name == null || to == null) throw new MagicException("usage: " + EXPORT_USAGE);
        InferenceServer running = Endpoints.get(name);
        ServableModel model = running != null ? running.model() : resolve(name, ServeOptions.parse(List.of(name)), ctx);
        if (running != null && batch == 1) {
            batch = running.options().batchSize();
            delay = running.options().maxBatchDelayMs();
        }
        Path dir = ctx.workingDirectory() != null ? ctx.workingDirectory().resolve(to) : Path.of(to);
        List<Path> files = ModelExporter.export(model, dir, batch, delay);
        System.out.println("Exported " + name + " to " + dir + ":");
        for (Path f : files) System.out.println("  " + dir.relativize(f));
        System.out.println("Serve it: java -jar djl-kernel.jar serve --model " + dir + " --name " + name);
        return null;
    }
}
