package io.djlkernel.djl.serving;

import io.djlkernel.api.cli.Subcommand;
import io.djlkernel.djl.DjlEnvironment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code djl-kernel serve --model PATH [--name NAME] ...}: the same endpoint as {@code %serve}, without Jupyter.
 * Runs until SIGTERM/SIGINT, then drains in-flight requests.
 */
public final class ServeCommand implements Subcommand {
    /** Read by DJL's PyTorch engine on every forward call (PtSymbolBlock), for the calling thread. */
    static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String description() {
        return "Serve a TorchScript model or exported folder over HTTP (Open Inference Protocol v2).";
    }

    @Override
    public String usage() {
        return "Usage: djl-kernel serve --model PATH [--name NAME] [--port 8080] [--host 127.0.0.1] [--batch-size N]\n"
                + "                        [--max-batch-delay MS] [--workers N] [--token T] [--max-request-size 64m]\n"
                + "                        [--timeout 60s] [--queue-size N] [--warmup 30s] [--translator ndlist|image-classification]\n"
                + "                        [--size N] [--synset FILE] [--input-shape -1,512]\n"
                + "PATH: a TorchScript .pt file, or a folder written by %export (serving.properties).\n"
                + "--input-shape: the one FP32 input of a tensor model (-1: any size), which a .pt file does not record;\n"
                + "  with it requests are checked and the endpoint warms itself up before it reports ready.";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(usage());
            return 0;
        }
        ServeOptions o;
        try {
            o = ServeOptions.parse(args);
            if (o.model() == null) throw new IllegalArgumentException("--model PATH is required");
            if (!o.positional().isEmpty()) throw new IllegalArgumentException("unexpected argument " + o.positional().get(0));
        } catch (IllegalArgumentException e) {
            err.println("djl-kernel serve: " + e.getMessage());
            err.println(usage());
            return 2;
        }
        DjlEnvironment.applyDefaults();
        // TorchScript's graph executor profiles and re-optimises a model for each new input shape, and dynamic
        // batching makes a new shape of every batch size: a new endpoint paid that for its first thousands of
        // requests, for no steady-state gain on CPU. An explicit -Dai.djl.pytorch.graph_optimizer=true still wins.
        if (System.getProperty(GRAPH_OPTIMIZER) == null) System.setProperty(GRAPH_OPTIMIZER, "false");
        Path path = Path.of(o.model());
        String name = o.name() != null ? o.name() : defaultName(path);
        TorchScriptModel model;
        try {
            model = TorchScriptModel.load(name, path, o.translator(), o.imageSize(), o.synset() == null ? null : Path.of(o.synset()), null, o.inputShape());
        } catch (IOException e) {
            err.println("djl-kernel serve: " + e.getMessage());
            return 1;
        }
        int[] b = model.servingBatching();
        if (b != null && !args.contains("--batch-size")) o = o.withBatching(b[0], b[1]);
        InferenceServer server;
        try {
            server = InferenceServer.start(model, o.withName(name));
        } catch (RuntimeException e) {
            err.println("djl-kernel serve: cannot listen on " + o.host() + ":" + o.port() + ": " + e.getMessage());
            model.close();
            return 1;
        }
        out.println("Serving " + name + " at " + server.url() + " (V2: " + server.url() + "/v2/models/" + name + ")");
        out.println(ServeMagic.curl(server, model));
        out.flush();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(10_000);
            model.close();
            done.countDown();
        }, "serve-shutdown"));
        done.await();
        return 0;
    }

    static String defaultName(Path p) {
        String f = p.toAbsolutePath().normalize().getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
