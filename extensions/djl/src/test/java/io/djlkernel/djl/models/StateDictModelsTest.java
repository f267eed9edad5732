package io.djlkernel.djl.models;

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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code %model load ... --arch} with the machine's Python (Debian's python3-torch + python3-torchvision): the
 * small TinyNet fixtures (a user's own architecture) for the conversion, the cache and every bad input. The ResNet
 * and /predict end to end are in tests/python/test_state_dict_models.py.
 */
class StateDictModelsTest {
    static final String PYTHON = "/usr/bin/python3";
    static Path fixtures;
    @TempDir
    static Path cache;
    @TempDir
    Path tmp;

    @BeforeAll
    static void fixtures() throws Exception {
        assumeTrue(run(PYTHON, "-c", "import torch, torchvision") == 0, "needs python3-torch and python3-torchvision");
        fixtures = Path.of("target", "state-dict-fixtures").toAbsolutePath();
        if (!Files.exists(fixtures.resolve("red.png"))) {
            assertEquals(0, run(PYTHON, "src/test/python/make_state_dict_fixtures.py", fixtures.toString()));
        }
        ModelCache.setDir(cache.resolve("models"));
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

    static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return p.exitValue();
    }

    MagicContext ctx() {
        Path wd = tmp;
        return new MagicContext() {
            @Override public Object eval(String javaCode) { return null; }
            @Override public void addToClasspath(List<Path> paths) { }
            @Override public Path workingDirectory() { return wd; }
            @Override public boolean isExpression() { return false; }
        };
    }

    String load(String args) throws Exception {
        return ((Report) ModelMagics.model("load " + args + " --python " + PYTHON, ctx())).text();
    }

    String fails(String args) {
        return assertThrows(MagicException.class, () -> load(args)).getMessage();
    }

    /** A copy with its own mtime: a new cache key, so the converter really runs. */
    Path copy(String name) throws IOException {
        Path p = tmp.resolve(name);
        Files.copy(fixtures.resolve(name), p);
        return p;
    }

    @Test
    void convertsAUsersArchitectureThenReadsTheCacheWithoutPython() throws Exception {
        Path weights = copy("tiny_state_dict.pth");
        String first = load("tiny " + weights + " --arch " + fixtures.resolve("tiny_net.py") + ":TinyNet --input-shape 2,3,16,16");
        assertTrue(first.contains("state_dict → TorchScript by torch.jit.script with " + PYTHON), first);
        assertTrue(first.contains("max abs difference 0"), first);
        assertTrue(first.contains("output [2, 4]"), first);
        LoadedModel m = ModelStore.get("tiny");
        assertEquals("state_dict → TorchScript (script)", m.format());
        assertEquals(3 * 8 * 9 + 8 + 8 * 4 + 4, m.parameterCount());
        float[] firstOut;
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray out = m.predict(mgr.ones(new Shape(2, 3, 16, 16))).singletonOrThrow();
            assertEquals(new Shape(2, 4), out.getShape());
            firstOut = out.toFloatArray();
        }
        // a second load reads the converted file: no Python (a missing interpreter would fail otherwise)
        long t0 = System.nanoTime();
        String again = ((Report) ModelMagics.model("load tiny2 " + weights + " --arch " + fixtures.resolve("tiny_net.py")
                + ":TinyNet --input-shape 2,3,16,16 --python /no/such/python", ctx())).text();
        assertTrue(again.contains("cached: converted earlier by torch.jit.script"), again);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20));
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDList out = ModelStore.get("tiny2").predict(mgr.ones(new Shape(2, 3, 16, 16)));
            assertEquals(List.of(toList(firstOut)), List.of(toList(out.singletonOrThrow().toFloatArray())));
        }
        // touching the weights changes the key: converted again
        Files.setLastModifiedTime(weights, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5000));
        String msg = assertThrows(MagicException.class, () -> ModelMagics.model("load tiny3 " + weights + " --arch "
                + fixtures.resolve("tiny_net.py") + ":TinyNet --input-shape 2,3,16,16 --python /no/such/python", ctx())).getMessage();
        assertTrue(msg.contains("cannot run /no/such/python"), msg);
    }

    static List<Float> toList(float[] a) {
        List<Float> l = new java.util.ArrayList<>();
        for (float f : a) l.add(f);
        return l;
    }

    @Test
    void relativeArchFileIsFoundBesideTheWeights() throws Exception {
        String text = load("tiny tiny_state_dict.pth --arch tiny_net.py:TinyNet");
        assertTrue(text.contains("TorchScript"), text);
    }

    @Test
    void checkpointAndDataParallelKeysAreAcceptedAndSaid() throws Exception {
        String text = load("ck tiny_checkpoint.pth --arch tiny_net.py:TinyNet");
        assertTrue(text.contains("weights were taken from its 'state_dict' entry (other entries, not used: epoch, optimizer)"), text);
        text = load("dp tiny_module_prefix.pth --arch tiny_net.py:TinyNet");
        assertTrue(text.contains("'module.'"), text);
    }

    @Test
    void keysThatDoNotFitTheArchAreListedLikeLoadStateDict() {
        String msg = fails("r tiny_state_dict.pth --arch torchvision.models.resnet18");
        assertTrue(msg.contains("Missing key(s) in state_dict: \"conv1.weight\""), msg);
        assertTrue(msg.contains("Unexpected key(s) in state_dict: \"conv.weight\", \"conv.bias\""), msg);
        msg = fails("r tiny_state_dict.pth --arch tiny_net.py:TinyNet --arch-args num_classes=10");
        assertTrue(msg.contains("size mismatch for fc.weight") && msg.contains("try --arch-args num_classes=4"), msg);
    }

    @Test
    void unknownArchitecturesSayWhatIsClose() {
        String msg = fails("r tiny_state_dict.pth --arch torchvision.models.resnet51");
        assertTrue(msg.contains("has no model named resnet51") && msg.contains("resnet50"), msg);
        msg = fails("r tiny_state_dict.pth --arch tiny_net.py:TinyNt");
        assertTrue(msg.contains("Closest: TinyNet"), msg);
        msg = fails("r tiny_state_dict.pth --arch nowhere.py:Net");
        assertTrue(msg.contains("no file nowhere.py"), msg);
        msg = fails("r tiny_state_dict.pth --arch tiny_net.py:TinyNet --arch-args num_classes=");
        assertTrue(msg.contains("is not a list of name=value"), msg);
    }

    @Test
    void truncatedWeightsAreCalledTruncated() {
        String msg = fails("t tiny_truncated.pth --arch tiny_net.py:TinyNet");
        assertTrue(msg.contains("truncated or corrupt") && msg.contains("could not be read by torch.load"), msg);
    }

    @Test
    void pythonWithoutTorchOrTorchvisionSaysWhatToInstall() throws Exception {
        Path noTorch = tmp.resolve("python-no-torch");
        Files.writeString(noTorch, "#!/bin/sh\nexec " + PYTHON + " -S \"$@\"\n"); // -S: no site-packages, so no torch
        Files.setPosixFilePermissions(noTorch, PosixFilePermissions.fromString("rwxr-xr-x"));
        String msg = assertThrows(MagicException.class, () -> ModelMagics.model("load x " + copy("tiny_state_dict.pth")
                + " --arch " + fixtures.resolve("tiny_net.py") + ":TinyNet --python " + noTorch, ctx())).getMessage();
        assertTrue(msg.contains("cannot import torch") && msg.contains("apt install python3-torch python3-torchvision"), msg);

        // torch importable, torchvision not: a folder with torch and what it imports, and nothing else
        Path site = Files.createDirectories(tmp.resolve("site"));
        for (String m : List.of("torch", "typing_extensions.py", "numpy")) {
            Files.createSymbolicLink(site.resolve(m), Path.of("/usr/lib/python3/dist-packages", m));
        }
        Path noVision = tmp.resolve("python-no-vision");
        Files.writeString(noVision, "#!/bin/sh\nPYTHONPATH=" + site + " exec " + PYTHON + " -S \"$@\"\n");
        Files.setPosixFilePermissions(noVision, PosixFilePermissions.fromString("rwxr-xr-x"));
        msg = assertThrows(MagicException.class, () -> ModelMagics.model("load x " + copy("tiny_checkpoint.pth")
                + " --arch torchvision.models.resnet18 --python " + noVision, ctx())).getMessage();
        assertTrue(msg.contains("needs torchvision") && msg.contains("pip install torchvision"), msg);
    }

    @Test
    void noPythonAtAllIsAClearError() {
        String msg = assertThrows(MagicException.class, () -> ModelMagics.model("load x " + copy("tiny_state_dict.pth")
                + " --arch " + fixtures.resolve("tiny_net.py") + ":TinyNet --python /opt/none/bin/python3", ctx())).getMessage();
        assertTrue(msg.contains("cannot run /opt/none/bin/python3") && msg.contains("DJL_KERNEL_PYTHON"), msg);
    }

    @Test
    void aStateDictWithoutArchPointsToArch() {
        String msg = assertThrows(MagicException.class, () -> ModelMagics.model("load x tiny_state_dict.pth", ctx())).getMessage();
        assertTrue(msg.contains("is a state_dict") && msg.contains("--arch torchvision.models.resnet50"), msg);
    }

    @Test
    void synsetBesideAModelIsUsedOnlyWhenItFits() throws Exception {
        // synset.txt beside the weights has 3 names: TinyNet gives 4 outputs, so it is ignored and said so
        String text = load("tiny tiny_state_dict.pth --arch tiny_net.py:TinyNet");
        assertTrue(text.contains("synset.txt beside the model ignored: it has 3 names and the model gives 4 outputs"), text);
        assertTrue(ModelStore.get("tiny").synset().isEmpty());
        assertFalse(text.contains("Classes"), text);

        // a TorchScript tensors model in a folder with an unrelated synset.txt: ignored, not shown as its classes
        Path folder = Files.createDirectories(tmp.resolve("mixed"));
        Files.copy(Path.of("src/test/resources/models/mlp.pt"), folder.resolve("mlp.pt"));
        Files.write(folder.resolve("synset.txt"), List.of("cat", "dog", "bird", "fish", "frog"));
        text = ((Report) ModelMagics.model("load mlp " + folder.resolve("mlp.pt"), ctx())).text();
        assertTrue(text.contains("synset.txt beside the model ignored"), text);
        assertFalse(text.contains("cat, dog"), text);
        // named, it is used
        text = ((Report) ModelMagics.model("load mlp2 " + folder.resolve("mlp.pt") + " --synset synset.txt --translator ndlist", ctx())).text();
        assertTrue(text.contains("Classes") && text.contains("cat, dog"), text);
    }

    @Test
    void imageClassifierWithAMismatchedSynsetBesideItIsRefused() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("clf"));
        Files.copy(Path.of("src/test/resources/models/classifier/classifier.pt"), folder.resolve("classifier.pt"));
        Files.write(folder.resolve("synset.txt"), List.of("cat", "dog", "bird", "fish", "frog"));
        MagicException e = assertThrows(MagicException.class, () -> ModelMagics.model("load c " + folder.resolve("classifier.pt")
                + " --translator image-classification --size 32 --no-cache", ctx()));
        assertTrue(e.getMessage().contains("has 5 names and the model gives 3 outputs"), e.getMessage());
    }
}
