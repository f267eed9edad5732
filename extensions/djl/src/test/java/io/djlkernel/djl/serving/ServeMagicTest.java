package io.djlkernel.djl.serving;

import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** %serve / %serve list / %serve stop / %export as a notebook runs them. */
class ServeMagicTest {
    static MagicContext context(Path wd) {
        return new MagicContext() {
            @Override public Object eval(String javaCode) { throw new IllegalStateException("no variable " + javaCode); }
            @Override public void addToClasspath(List<Path> paths) { }
            @Override public Path workingDirectory() { return wd; }
            @Override public boolean isExpression() { return false; }
        };
    }

    static String captured(ThrowingRunnable r) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @AfterEach
    void stopAll() {
        Endpoints.stopAll(1000);
    }

    @Test
    void serveListStopExport(@TempDir Path tmp) throws Exception {
        Path models = Path.of(getClass().getResource("/models/classifier/classifier.pt").toURI()).getParent();
        MagicContext ctx = context(models);
        String out = captured(() -> ServeMagic.run("colours --model classifier.pt --translator image-classification --size 32 --port 0", ctx));
        assertTrue(out.contains("Serving colours at http://127.0.0.1:"), out);
        assertTrue(out.contains("curl -F file=@image.png http://127.0.0.1:"), out);
        InferenceServer s = Endpoints.get("colours");
        assertEquals(200, Http.get(s.url() + "/v2/models/colours/ready").status());
        assertEquals(List.of("red", "green", "blue"), s.model().synset());
        String list = captured(() -> ServeMagic.run("list", ctx));
        assertTrue(list.contains("colours") && list.contains(s.url()) && list.contains("P99"), list);
        String exp = captured(() -> ServeMagic.export("colours --to " + tmp.resolve("out"), ctx));
        assertTrue(exp.contains("serving.properties"), exp);
        assertTrue(Files.isRegularFile(tmp.resolve("out/colours.pt")));
        String stop = captured(() -> ServeMagic.run("stop colours", ctx));
        assertTrue(stop.contains("stopped colours"));
        assertThrows(MagicException.class, () -> ServeMagic.run("stop colours", ctx));
        // restart from the export
        captured(() -> ServeMagic.run("again --model " + tmp.resolve("out") + " --port 0", ctx));
        assertTrue(Endpoints.get("again").model().isImageClassifier());
    }

    @Test
    void clearErrors() {
        MagicContext ctx = context(Path.of("."));
        assertTrue(assertThrows(MagicException.class, () -> ServeMagic.run("nothing", ctx)).getMessage().contains("%model load"));
        assertTrue(assertThrows(MagicException.class, () -> ServeMagic.run("", ctx)).getMessage().contains("usage"));
        assertTrue(assertThrows(MagicException.class, () -> ServeMagic.run("m --port abc", ctx)).getMessage().contains("--port"));
        assertThrows(MagicException.class, () -> ServeMagic.export("m", ctx));
        assertTrue(assertThrows(MagicException.class, () -> ServeMagic.run("m --input-shape -1,4", ctx)).getMessage()
                .contains("--input-shape goes with --model"));
    }

    @Test
    void aTensorModelFileServedWithItsInputShapeDeclaresIt() throws Exception {
        Path models = Path.of(getClass().getResource("/models/mlp.pt").toURI()).getParent();
        MagicContext ctx = context(models);
        captured(() -> ServeMagic.run("mlp4 --model mlp.pt --input-shape -1,4 --port 0", ctx));
        InferenceServer s = Endpoints.get("mlp4");
        String meta = Http.get(s.url() + "/v2/models/mlp4").body();
        assertTrue(meta.contains("\"inputs\":[{\"name\":\"input0\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]"), meta);
        Http.Reply bad = Http.postJson(s.url() + "/v2/models/mlp4/infer",
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}");
        assertEquals(400, bad.status(), bad.body());
    }
}
