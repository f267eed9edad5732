package io.djlkernel.djl.models;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.djl.render.Report;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;


import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every %models/%model action on the committed fixtures (CPU, offline), and each bad input's message. */
class ModelMagicsTest {
    static Path fixtures;
    static Path cache;
    final List<String> evals = new ArrayList<>();
    @TempDir
    Path tmp;

    @BeforeAll
    static void root(@TempDir Path cacheDir) throws URISyntaxException {
        fixtures = Path.of(ModelMagicsTest.class.getResource("/models/mlp.pt").toURI()).getParent();
        cache = cacheDir;
        ModelCache.setDir(cacheDir);
        ModelRoot.set(fixtures);
    }

    @AfterEach
    void unload() {
        ModelStore.unloadAll();
    }

    @AfterAll
    static void reset() {
        ModelRoot.set(null);
        ModelCache.setDir(null);
    }

    MagicContext ctx() {
        Path wd = tmp;
        return new MagicContext() {
            @Override public Object eval(String javaCode) { evals.add(javaCode); return null; }
            @Override public void addToClasspath(List<Path> paths) { }
            @Override public Path workingDirectory() { return wd; }
            @Override public boolean isExpression() { return false; }
        };
    }

    Object model(String args) throws Exception {
        return ModelMagics.model(args, ctx());
    }

    String fails(String args) {
        return assertThrows(MagicException.class, () -> model(args)).getMessage();
    }

    static BufferedImage solid(Color c) {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, 64, 48);
        g.dispose();
        return img;
    }

    // ---------------------------------------------------------------- %models

    @Test
    void modelsListsFilesFoldersAndFormats() throws Exception {
        Report r = (Report) ModelMagics.models("", ctx());
        String text = r.text();
        assertTrue(text.contains("mlp.pt") && text.contains("TorchScript"), text);
        assertTrue(text.contains("classifier/") && text.contains("DJL folder"), text);
        assertTrue(text.contains("state_dict"), text);
        assertTrue(r.html().contains("<table"), r.html());
        assertTrue(ModelMagics.models("classifier", ctx()).toString().contains("Models in"));
        assertTrue(assertThrows(MagicException.class, () -> ModelMagics.models("nope", ctx())).getMessage().contains("no folder"));
    }

    @Test
    void modelsRootOptionSetsTheRoot() throws Exception {
        Files.copy(fixtures.resolve("mlp.pt"), tmp.resolve("other.pt"));
        try {
            String text = ((Report) ModelMagics.models("--root .", ctx())).text();  // relative to the notebook folder
            assertTrue(text.contains("other.pt"), text);
            assertEquals(tmp.toAbsolutePath().normalize(), ModelRoot.get());
        } finally {
            ModelRoot.set(fixtures);
        }
        assertThrows(MagicException.class, () -> ModelMagics.models("--root /no/such/dir", ctx()));
    }

    // ---------------------------------------------------------------- load, predict, classify

    @Test
    void loadsTorchScriptFileBindsVariableAndPredicts() throws Exception {
        Report r = (Report) model("load mlp mlp.pt --device cpu");
        assertTrue(r.text().contains("Load time") && r.text().contains("cpu()"), r.text());
        assertTrue(evals.contains("io.djlkernel.djl.models.LoadedModel mlp = io.djlkernel.djl.models.ModelStore.get(\"mlp\");"), evals.toString());
        LoadedModel m = ModelStore.get("mlp");
        assertEquals("TorchScript", m.format());
        assertEquals(8 * 4 + 8 + 3 * 8 + 3, m.parameterCount());
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDList out = m.predict(mgr.ones(new Shape(2, 4)));
            assertEquals(new Shape(2, 3), out.singletonOrThrow().getShape());
        }
    }

    @Test
    void loadsFolderAsImageClassifierAndClassifies() throws Exception {
        model("load colours classifier --translator image-classification --size 32");
        LoadedModel m = ModelStore.get("colours");
        assertEquals(List.of("red", "green", "blue"), m.synset());
        assertEquals("DJL folder", m.format());
        assertEquals(new Shape(-1, 3, 32, 32), m.inputs().get(0).shape());
        assertEquals("red", m.classify(solid(new Color(230, 20, 20))).best().getClassName());
        assertEquals("green", m.classify(solid(new Color(20, 220, 30))).best().getClassName());
        assertEquals("blue", m.classify(solid(new Color(10, 30, 240))).best().getClassName());
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray logits = m.predict(mgr.zeros(new Shape(4, 3, 32, 32))).singletonOrThrow();
            assertEquals(new Shape(4, 3), logits.getShape());
        }
        assertThrows(IllegalStateException.class, () -> loadMlp().classify(solid(Color.RED)));
    }

    LoadedModel loadMlp() throws Exception {
        model("load mlp mlp.pt");
        return ModelStore.get("mlp");
    }

    @Test
    void synsetOptionImpliesImageClassification() throws Exception {
        model("load c classifier/classifier.pt --synset synset.txt --size 32");
        LoadedModel m = ModelStore.get("c");
        assertEquals(TranslatorKind.IMAGE_CLASSIFICATION, m.translatorKind());
        Path png = tmp.resolve("blue.png");
        javax.imageio.ImageIO.write(solid(Color.BLUE), "png", png.toFile());
        Classifications c = m.classify(png);
        assertEquals("blue", c.best().getClassName());
    }

    @Test
    void loadsZipAndTarGzArchives() throws Exception {
        Path zip = tmp.resolve("colours.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : List.of("classifier.pt", "synset.txt")) {
                z.putNextEntry(new ZipEntry("classifier/" + f));
                z.write(Files.readAllBytes(fixtures.resolve("classifier").resolve(f)));
                z.closeEntry();
            }
        }
        model("load z " + zip + " --translator image-classification --size 32");
        assertEquals("zip archive", ModelStore.get("z").format());
        assertEquals("red", ModelStore.get("z").classify(solid(Color.RED)).best().getClassName());

        Path tgz = tmp.resolve("mlp.tar.gz");
        Process p = new ProcessBuilder("tar", "czf", tgz.toString(), "-C", fixtures.toString(), "mlp.pt").start();
        assertEquals(0, p.waitFor());
        model("load t " + tgz);
        assertEquals("tar.gz archive", ModelStore.get("t").format());
        assertEquals(ModelStore.get("z").device(), ModelStore.get("t").device());
    }

    @Test
    void fineTunesOneEpochWithTraining() throws Exception {
        model("load colours classifier --translator image-classification --size 32");
        LoadedModel m = ModelStore.get("colours");
        try (NDManager mgr = NDManager.newBaseManager()) {
            int n = 64;
            NDArray labels = mgr.randomInteger(0, 3, new Shape(n), ai.djl.ndarray.types.DataType.INT64);
            NDArray x = mgr.randomUniform(0f, 0.35f, new Shape(n, 3, 32, 32)).add(labels.oneHot(3).reshape(n, 3, 1, 1).mul(0.6f));
            NDArray mean = mgr.create(new float[]{0.485f, 0.456f, 0.406f}).reshape(1, 3, 1, 1);
            NDArray std = mgr.create(new float[]{0.229f, 0.224f, 0.225f}).reshape(1, 3, 1, 1);
            x = x.sub(mean).div(std);
            ai.djl.training.dataset.ArrayDataset data = new ai.djl.training.dataset.ArrayDataset.Builder()
                    .setData(x).optLabels(labels).setSampling(16, true).build();
            float[] before = m.predict(new NDList(x.get("0:4"))).singletonOrThrow().toFloatArray();
            var fit = io.djlkernel.djl.training.Training.of(m.model().getBlock())
                    .optimizer(ai.djl.training.optimizer.Optimizer.adam()
                            .optLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.01f)).build())
                    .devices(m.device()).epochs(1).fit(data);
            assertEquals(1, fit.chart().epochLosses().size());
            float[] after = m.predict(new NDList(x.get("0:4"))).singletonOrThrow().toFloatArray();
            assertFalse(java.util.Arrays.equals(before, after), "the weights changed");
            assertEquals("red", m.classify(solid(new Color(230, 20, 20))).best().getClassName());
        }
    }

    // ---------------------------------------------------------------- info, list, unload, save

    @Test
    void infoListUnload() throws Exception {
        loadMlp();
        String info = ((Report) model("info mlp")).text();
        assertTrue(info.contains("Parameters") && info.contains("Memory") && info.contains("Device"), info);
        assertTrue(info.contains("unknown"), info);
        String list = ((Report) model("list")).text();
        assertTrue(list.contains("mlp") && list.contains("TorchScript"), list);
        LoadedModel m = ModelStore.get("mlp");
        String unloaded = ((Report) model("unload mlp")).text();
        assertTrue(unloaded.contains("Freed"), unloaded);
        assertTrue(m.isClosed());
        assertTrue(evals.stream().anyMatch(e -> e.contains("mlp = null")), evals.toString());
        assertThrows(IllegalStateException.class, () -> m.predict(new NDList()));
        assertThrows(NoSuchElementException.class, () -> ModelStore.get("mlp"));
        assertTrue(fails("info mlp").contains("no model named 'mlp'"));
        assertTrue(((Report) model("list")).text().contains("none"));
    }

    @Test
    void saveWritesDjlFolderThatLoadsBackWithSameOutputs() throws Exception {
        model("load colours classifier --translator image-classification --size 32");
        String saved = ((Report) model("save colours out/colours")).text();  // relative to the notebook folder
        Path dir = tmp.resolve("out/colours");
        assertTrue(Files.isRegularFile(dir.resolve("colours.pt")), saved);
        assertTrue(Files.readString(dir.resolve("serving.properties")).contains("engine=PyTorch"));
        assertEquals(List.of("red", "green", "blue"), Files.readAllLines(dir.resolve("synset.txt")));
        model("load again " + dir + " --translator image-classification --size 32");
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray x = mgr.randomUniform(0, 1, new Shape(2, 3, 32, 32));
            float[] a = ModelStore.get("colours").predict(new NDList(x)).singletonOrThrow().toFloatArray();
            float[] b = ModelStore.get("again").predict(new NDList(x)).singletonOrThrow().toFloatArray();
            assertArrayEquals(a, b, 1e-6f);
        }
    }

    @Test
    void saveToReadOnlyPlaceIsAClearError() throws Exception {
        loadMlp();
        Path ro = tmp.resolve("ro");
        Files.createDirectories(ro);
        assertTrue(ro.toFile().setWritable(false, false));
        try {
            if (!Files.isWritable(ro)) {  // root ignores permissions
                String msg = fails("save mlp " + ro.resolve("mlp"));
                assertTrue(msg.contains("read-only") && msg.contains("writable"), msg);
            }
        } finally {
            ro.toFile().setWritable(true, false);
        }
        // as root (containers) permissions do not stop writes: the message mapping for what a mount answers
        for (Exception e : List.of(new java.nio.file.ReadOnlyFileSystemException(),
                new java.nio.file.FileSystemException(ro.toString(), null, "Read-only file system"),
                new java.nio.file.AccessDeniedException(ro.toString()))) {
            String msg = ModelMagics.saveError(ro, e).getMessage();
            assertTrue(msg.contains("read-only") && msg.contains("writable folder"), msg);
        }
        assertTrue(ModelMagics.saveError(ro, new IOException("disk full")).getMessage().contains("disk full"));
        // a path whose parent is a file cannot be created: a clear one-line failure, not a stack trace
        Path file = tmp.resolve("afile");
        Files.writeString(file, "x");
        assertTrue(fails("save mlp " + file.resolve("sub")).contains("saving to"));
        String msg = fails("save nothere " + tmp);
        assertTrue(msg.contains("no model named"), msg);
    }

    // ---------------------------------------------------------------- cache

    @Test
    void cacheCopiesOnceAndAgainWhenTheFileChanges() throws Exception {
        Path root = tmp.resolve("mount");
        Files.createDirectories(root);
        Path file = root.resolve("m.pt");
        Files.copy(fixtures.resolve("mlp.pt"), file);
        ModelRoot.set(root);
        try {
            long misses = ModelCache.misses();
            long hits = ModelCache.hits();
            model("load a m.pt");
            Path local = ModelStore.get("a").localPath();
            assertTrue(local.startsWith(cache), local.toString());
            assertEquals(misses + 1, ModelCache.misses());
            model("load b m.pt");
            assertEquals(hits + 1, ModelCache.hits());
            assertEquals(local, ModelStore.get("b").localPath());
            Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
            model("load c m.pt");
            assertEquals(misses + 2, ModelCache.misses());
            assertNotEquals(local, ModelStore.get("c").localPath());
            model("load d m.pt --no-cache");
            assertEquals(file, ModelStore.get("d").localPath());
            assertTrue(((Report) model("cache")).text().contains("hits"));
        } finally {
            ModelRoot.set(fixtures);
        }
    }

    @Test
    void absolutePathsOutsideTheRootAreReadInPlace() throws Exception {
        Path file = tmp.resolve("local.pt");
        Files.copy(fixtures.resolve("mlp.pt"), file);
        model("load l " + file);
        assertEquals(file, ModelStore.get("l").localPath());
    }

    // ---------------------------------------------------------------- bad inputs

    @Test
    void missingFileNamesTheClosest() {
        String msg = fails("load x mpl.pt");
        assertTrue(msg.contains("not found") && msg.contains("mlp.pt"), msg);
        assertTrue(fails("load x sub/dir/none.pt").contains("Closest in " + fixtures), "walks up to the root");
    }

    @Test
    void stateDictExplainsAndShowsThePython() {
        String msg = fails("load x mlp_state_dict.pth");
        assertTrue(msg.contains("state_dict") && msg.contains("only the weights"), msg);
        assertTrue(msg.contains("torch.jit.trace(model, example_input).save(") && msg.contains("torch.jit.script(model)"), msg);
    }

    @Test
    void truncatedAndCorruptFiles() throws IOException {
        String msg = fails("load x truncated.pt");
        assertTrue(msg.contains("truncated"), msg);
        Path junk = tmp.resolve("junk.pt");
        Files.writeString(junk, "this is not a model at all");
        msg = fails("load x " + junk);
        assertTrue(msg.contains("not a TorchScript file"), msg);
        Path pickle = tmp.resolve("legacy.pth");
        Files.write(pickle, new byte[]{(byte) 0x80, 2, 'c', 'x', 'y'});
        msg = fails("load x " + pickle);
        assertTrue(msg.contains("pickle"), msg);
        Path empty = tmp.resolve("empty.pt");
        Files.write(empty, new byte[0]);
        assertTrue(fails("load x " + empty).contains("empty or truncated"));
        Path badZip = tmp.resolve("bad.zip");
        Files.write(badZip, new byte[]{'P', 'K', 3, 4, 1, 2, 3});
        msg = fails("load x " + badZip);
        assertTrue(msg.contains("corrupt") || msg.contains("no TorchScript"), msg);
    }

    @Test
    void unknownFormatsAndBadArguments() throws IOException {
        Path onnx = tmp.resolve("m.onnx");
        Files.writeString(onnx, "x");
        String msg = fails("load x " + onnx);
        assertTrue(msg.contains("unknown model format") && msg.contains("ONNX"), msg);
        Path txt = tmp.resolve("m.txt");
        Files.writeString(txt, "x");
        assertTrue(fails("load x " + txt).contains("unknown model format"));
        Path emptyDir = tmp.resolve("emptydir");
        Files.createDirectories(emptyDir);
        assertTrue(fails("load x " + emptyDir).contains("no TorchScript file"));
        assertTrue(fails("load 1x mlp.pt").contains("not a Java variable name"));
        assertTrue(fails("load class mlp.pt").contains("not a Java variable name"));
        assertTrue(fails("load x mlp.pt --translator fancy").contains("unknown translator"));
        assertTrue(fails("load x mlp.pt --size big").contains("--size"));
        assertTrue(fails("load x mlp.pt --engine MXNet").contains("only PyTorch"));
        assertTrue(fails("load x mlp.pt --device tpu").contains("unknown device"));
        assertTrue(fails("load x mlp.pt --bogus 1").contains("unknown option"));
        assertTrue(fails("load x").contains("%model load NAME PATH"));
        assertTrue(fails("frobnicate").contains("unknown action"));
        assertTrue(fails("").contains("which action"));
        assertTrue(fails("load x classifier --translator image-classification --synset nothere.txt").contains("synset file not found"));
        Path noSynset = tmp.resolve("nosyn");
        Files.createDirectories(noSynset);
        Files.copy(fixtures.resolve("mlp.pt"), noSynset.resolve("nosyn.pt"));
        assertTrue(fails("load x " + noSynset + " --translator image-classification").contains("needs class names"));
    }

    @Test
    void deviceNotPresent() throws Exception {
        int gpus = ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
        String msg = fails("load x mlp.pt --device gpu:" + (gpus + 3));
        assertTrue(msg.contains("not present"), msg);
        if (gpus == 0) {
            assertTrue(fails("load x mlp.pt --device gpu").contains("no GPU"));
            model("load x mlp.pt --device auto");
            assertEquals(ai.djl.Device.cpu(), ModelStore.get("x").device());
        }
    }

    @Test
    void outOfMemoryIsExplained() {
        String msg = ModelLoader.explain(new ai.djl.engine.EngineException(
                        "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.1 GiB total capacity)"),
                Path.of("/models/big"), ai.djl.Device.gpu(0));
        assertTrue(msg.contains("not enough memory on gpu(0)") && msg.contains("%model unload") && msg.contains("--device cpu"), msg);
    }

    @Test
    void kernelStillUsableAfterEveryError() throws Exception {
        for (String bad : List.of("load x mpl.pt", "load x mlp_state_dict.pth", "load x truncated.pt")) fails(bad);
        assertEquals(2, loadMlp().predict(new NDList(NDManager.newBaseManager().ones(new Shape(2, 4)))).get(0).getShape().get(0));
    }

    @Test
    void storeReplacesAndNotifies() throws Exception {
        List<String> unloaded = new ArrayList<>();
        ModelStore.onUnload(m -> unloaded.add(m.name()));
        LoadedModel first = loadMlp();
        LoadedModel second = loadMlp();
        assertTrue(first.isClosed() && !second.isClosed());
        assertTrue(unloaded.contains("mlp"));
        LoadedModel direct = ModelStore.load("direct", Path.of("mlp.pt"), ModelOptions.defaults().withDevice("cpu"));
        assertEquals(direct, ModelStore.get("direct"));
        assertTrue(assertThrows(NoSuchElementException.class, () -> ModelStore.get("zzz")).getMessage().contains("direct"));
    }

}
