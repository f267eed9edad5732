package io.djlkernel.djl.debug;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.TestKernel;
import io.djlkernel.djl.render.DjlRenderers;
import io.djlkernel.djl.tensors.NDArrayFormat;
import io.djlkernel.djl.training.Training;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** trace, firstNonFinite, gradients and the layer monitor on real DJL blocks, on the CPU. */
class ModelDebugTest {
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = DjlEnvironment.engine().newBaseManager(Device.cpu());
        manager.getEngine().setRandomSeed(7);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static Linear linear(int units) {
        return Linear.builder().setUnits(units).build();
    }

    private static <B extends Block> B init(B block, Shape input) {
        block.initialize(manager, DataType.FLOAT32, input);
        return block;
    }

    @Test
    void traceRowsFollowCallOrderAndTheShapesTheNetDeclares() {
        Shape in = new Shape(2, 5);
        SequentialBlock net = new SequentialBlock()
                .add(linear(8))
                .add(Activation.reluBlock())
                .add(new ParallelBlock(list -> new NDList(NDArrays.concat(
                        new NDList(list.stream().map(NDList::singletonOrThrow).toArray(NDArray[]::new)), 1)),
                        List.of(linear(3), new SequentialBlock().add(linear(4)).add(Activation.tanhBlock()))))
                .add(linear(2));
        init(net, in);
        LayerTrace trace = ModelDebug.trace(net, manager.randomNormal(in));
        assertNull(trace.error());

        // what the blocks declare, walked the way the net calls them
        List<String> expectedPaths = new ArrayList<>();
        List<String> expectedShapes = new ArrayList<>();
        expectedPaths.add("");
        expectedShapes.add(NDArrayFormat.shapeString(net.getOutputShapes(new Shape[]{in})[0]));
        declared(net, "", new Shape[]{in}, expectedPaths, expectedShapes);

        List<String> paths = trace.rows().stream().map(LayerTrace.Row::path).toList();
        assertEquals(expectedPaths, paths);
        for (int i = 0; i < paths.size(); i++) {
            assertEquals(expectedShapes.get(i), trace.rows().get(i).output().shapes(), "shape of " + paths.get(i));
        }
        assertEquals(List.of(0, 1, 1, 1, 2, 2, 3, 3, 1), trace.rows().stream().map(LayerTrace.Row::depth).toList());
        LayerTrace.Row relu = trace.row("/02LambdaBlock");
        assertEquals("LambdaBlock", relu.type());
        assertTrue(relu.output().min() >= 0, "relu output is non-negative");
        assertTrue(relu.output().zeroFraction() > 0 && relu.output().zeroFraction() < 1);
        assertEquals(16, relu.output().count());
        assertEquals(16, Arrays.stream(relu.output().histogram()).sum());
        assertTrue(trace.notes().stream().noneMatch(n -> n.contains("not seen")), trace.notes().toString());
    }

    /** Appends each child's path and declared output shape in call order (SequentialBlock chains, ParallelBlock fans out). */
    private static Shape[] declared(Block block, String path, Shape[] in, List<String> paths, List<String> shapes) {
        PairList<String, Block> children = block.getChildren();
        Shape[] current = in;
        for (Pair<String, Block> child : children) {
            Shape[] childIn = block instanceof ParallelBlock ? in : current;
            Shape[] out = child.getValue().getOutputShapes(childIn);
            paths.add(path + "/" + child.getKey());
            shapes.add(NDArrayFormat.shapeString(out[0]));
            declared(child.getValue(), path + "/" + child.getKey(), childIn, paths, shapes);
            current = out;
        }
        return current;
    }

    @Test
    void firstNonFiniteNamesTheInnermostLayerThatMadeTheNaN() {
        Shape in = new Shape(3, 4);
        SequentialBlock net = new SequentialBlock()
                .add(linear(6))
                .add(new SequentialBlock()
                        .add(Activation.reluBlock())
                        .add(new LambdaBlock(list -> new NDList(list.head().mul(0).div(0)), "zero over zero")))
                .add(linear(2));
        init(net, in);
        NonFiniteReport report = ModelDebug.firstNonFinite(net, manager.randomNormal(in));
        assertTrue(report.found());
        assertEquals("/02SequentialBlock/02LambdaBlock", report.layer());
        assertEquals("LambdaBlock", report.type());
        assertFalse(report.input().nonFinite(), "its input is finite");
        assertEquals(18, report.trace().row(report.layer()).output().nanCount());
        assertNull(report.trace().row("/03Linear"), "the pass stops there");
        assertTrue(report.summary().contains("18 NaN") && report.summary().contains("input is finite"), report.summary());

        // a layer with parameters: its weights are reported
        Linear bad = linear(2);
        SequentialBlock net2 = init(new SequentialBlock().add(linear(3)).add(bad), in);
        bad.getParameters().get("weight").getArray().set(new ai.djl.ndarray.index.NDIndex("0, 0"), Float.POSITIVE_INFINITY);
        NonFiniteReport r2 = ModelDebug.firstNonFinite(net2, manager.ones(in));
        assertEquals("/02Linear", r2.layer());
        assertEquals(List.of("weight", "bias"), r2.parameters().stream().map(Pair::getKey).toList());
        assertEquals(1, r2.parameters().get(0).getValue().infCount());

        // nothing to find
        NonFiniteReport clean = ModelDebug.firstNonFinite(init(new SequentialBlock().add(linear(2)), in), manager.ones(in));
        assertFalse(clean.found());
        assertEquals("every layer's output is finite", clean.summary());
    }

    /** Linear(2) on 4 inputs with W = [[1, 2, 3, 4], [0, -1, 0, 1]], b = [0.5, -0.5], gradients attached. */
    private static Linear knownLinear(Shape in) {
        Linear fc = init(linear(2), in);
        fc.getParameters().get("weight").getArray().set(new float[]{1, 2, 3, 4, 0, -1, 0, 1});
        fc.getParameters().get("bias").getArray().set(new float[]{0.5f, -0.5f});
        for (Pair<String, Parameter> p : fc.getParameters()) p.getValue().getArray().setRequiresGradient(true);
        return fc;
    }

    @Test
    void gradientsMatchHandComputedNorms() {
        Shape in = new Shape(3, 4);
        Linear fc = knownLinear(in);
        NDArray x = manager.create(new float[]{1, 2, 3, 4, -1, 0, 1, 2, 2, 2, 2, 2}, in);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = fc.forward(new ParameterStore(manager, false), new NDList(x), true).head();
            gc.backward(out.sum()); // d sum(xWᵀ + b) / dW[j,k] = Σᵢ x[i,k];  / db[j] = 3
        }
        GradientReport report = ModelDebug.gradients(fc);
        // column sums of x: 2, 4, 6, 8 → ‖dW‖ = sqrt(2 · (4 + 16 + 36 + 64)) = sqrt(240); ‖db‖ = sqrt(2 · 9)
        assertEquals(Math.sqrt(240), report.row("weight").gradNorm(), 1e-5);
        assertEquals(Math.sqrt(18), report.row("bias").gradNorm(), 1e-5);
        assertEquals(Math.sqrt(1 + 4 + 9 + 16 + 1 + 1), report.row("weight").weightNorm(), 1e-5);
        assertEquals(Math.sqrt(240) / Math.sqrt(32), report.row("weight").ratio(), 1e-5);
        assertEquals(0.01 * Math.sqrt(18) / Math.sqrt(0.5), ModelDebug.gradients(fc, 0.01).row("bias").ratio(), 1e-6);
        assertTrue(report.flagged().isEmpty());

        // a vanishing and an exploding gradient are flagged (a fresh layer: PyTorch adds gradients up)
        fc = knownLinear(in);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = fc.forward(new ParameterStore(manager, false), new NDList(x.mul(1e-15f)), true).head();
            gc.backward(out.get(":, 0").sum().mul(1e6f));
        }
        GradientReport odd = ModelDebug.gradients(fc);
        // ‖dW‖ = 1e6 · 1e-15 · sqrt(4 + 16 + 36 + 64) ≈ 1.1e-8, under 1e-7 · max(‖w‖, 1)
        assertEquals("vanishing", odd.row("weight").flag(), odd.row("weight").toString());
        assertEquals("exploding", odd.row("bias").flag(), "‖db‖ = 3e6: " + odd.row("bias"));

        // before any backward pass DJL gives zeros; a parameter with no gradient attached says so instead of failing
        Linear fresh = init(linear(2), in);
        fresh.getParameters().get("bias").getArray().setRequiresGradient(false);
        GradientReport none = ModelDebug.gradients(fresh);
        assertEquals("zero", none.row("weight").flag());
        assertEquals("no gradient", none.row("bias").flag());
        assertTrue(none.table().text().contains("without a gradient"));
    }

    /** A user-written block: one child called through a Block-typed field, one through a Linear-typed field. */
    static final class UserBlock extends AbstractBlock {
        final Linear fc;
        Block act;

        UserBlock() {
            fc = addChildBlock("fc", linear(3));
            act = addChildBlock("act", Activation.reluBlock());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return act.forward(ps, fc.forward(ps, inputs, training), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return fc.getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... inputShapes) {
            fc.initialize(m, dataType, inputShapes);
            act.initialize(m, dataType, fc.getOutputShapes(inputShapes));
        }
    }

    @Test
    void aChildCalledThroughAConcreteFieldIsReportedAsUnseen() {
        Shape in = new Shape(2, 4);
        UserBlock user = new UserBlock();
        SequentialBlock net = init(new SequentialBlock().add(user).add(linear(2)), in);
        LayerTrace trace = ModelDebug.trace(net, manager.ones(in));
        List<String> paths = trace.rows().stream().map(LayerTrace.Row::path).toList();
        assertEquals(List.of("", "/01UserBlock", "/01UserBlock/02act", "/02Linear"), paths);
        assertEquals(1, trace.notes().size(), trace.notes().toString());
        assertTrue(trace.notes().get(0).startsWith("/01UserBlock/01fc (Linear): not seen")
                && trace.notes().get(0).contains("UserBlock.fc holds it as a concrete type"), trace.notes().get(0));
        assertTrue(trace.table().text().contains("note: /01UserBlock/01fc"));
    }

    @Test
    void theBlockIsUnchangedAfterATraceThatThrows() {
        Shape in = new Shape(2, 4);
        UserBlock user = new UserBlock();
        SequentialBlock net = init(new SequentialBlock()
                .add(linear(4))
                .add(user)
                .add(new LambdaBlock(list -> {
                    // initialize() runs the function on a batch of 1; the trace's batch of 2 makes it throw
                    if (list.head().getShape().get(0) == 2) throw new IllegalStateException("boom in a layer");
                    return list;
                }))
                .add(linear(2)), new Shape(1, 4));
        NDArray x = manager.randomNormal(in);
        List<Object> before = snapshot(net);
        List<float[]> weights = net.getParameters().values().stream().map(p -> p.getArray().toFloatArray()).toList();

        LayerTrace trace = ModelDebug.trace(net, x);
        assertTrue(trace.error().contains("boom in a layer"), trace.error());
        LayerTrace.Row failed = trace.row("/03LambdaBlock");
        assertEquals("IllegalStateException: boom in a layer", failed.error());
        assertEquals("did not finish", trace.row("").error());
        assertNotNull(trace.row("/02UserBlock/02act").output());
        NonFiniteReport again = ModelDebug.firstNonFinite(net, x);
        assertFalse(again.found());
        assertTrue(again.summary().startsWith("the forward pass failed before any NaN or Inf"), again.summary());

        List<Object> after = snapshot(net);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertSame(before.get(i), after.get(i), "every child list and field holds the original blocks again");
            assertFalse(java.lang.reflect.Proxy.isProxyClass(after.get(i).getClass()));
        }
        List<float[]> weightsAfter = net.getParameters().values().stream().map(p -> p.getArray().toFloatArray()).toList();
        for (int i = 0; i < weights.size(); i++) assertArrayEquals(weights.get(i), weightsAfter.get(i));
        assertSame(user.act, user.getChildren().get("02act"));
    }

    /** Every block, then the children its forward iterates and its Block-typed fields, breadth first. */
    private static List<Object> snapshot(Block root) {
        List<Object> out = new ArrayList<>();
        List<Block> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            Block b = todo.remove(0);
            out.add(b);
            try {
                Field children = AbstractBlock.class.getDeclaredField("children");
                children.setAccessible(true);
                out.addAll(((PairList<?, ?>) children.get(b)).values());
                for (Field f : b.getClass().getDeclaredFields()) {
                    if (!Block.class.isAssignableFrom(f.getType())) continue;
                    f.setAccessible(true);
                    out.add(f.get(b));
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            todo.addAll(b.getChildren().values());
        }
        return out;
    }

    @Test
    void aTraceRendersAsTextHtmlAndTheLayerPanelsJson() {
        TestKernel kernel = new TestKernel();
        DjlRenderers.registerAll(kernel);
        Shape in = new Shape(2, 3);
        SequentialBlock net = init(new SequentialBlock().add(linear(2))
                .add(new LambdaBlock(list -> new NDList(list.head().log()))), in);
        NDArray x = manager.create(new float[]{1, 2, 3, -1, -2, -3}, in);
        MimeBundle bundle = kernel.render(ModelDebug.trace(net, x));
        String text = (String) bundle.data().get(MimeBundle.TEXT_PLAIN);
        assertTrue(text.contains("layer") && text.contains("01Linear") && text.contains("(2, 2)"), text);
        assertTrue(((String) bundle.data().get(MimeBundle.TEXT_HTML)).contains("<table"));
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) bundle.data().get(LayerTable.MIME);
        assertEquals("trace", doc.get("kind"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("rows");
        assertEquals(3, rows.size());
        assertEquals("/01Linear", rows.get(1).get("path"));
        assertEquals(LayerStats.BINS, ((List<?>) rows.get(1).get("histogram")).size());
        // log of a random linear map of mixed-sign rows: some outputs are negative, so some NaN
        Map<String, Object> logRow = rows.get(2);
        boolean nan = ((Number) logRow.get("nan_count")).longValue() > 0;
        assertEquals(nan ? "nan" : null, logRow.get("flag"));
    }

    @Test
    void aTorchScriptModelIsOpaqueAndSaysSo() throws Exception {
        Path mlp = Path.of("src/test/resources/models/mlp.pt").toAbsolutePath();
        try (Model model = Model.newInstance("mlp", Device.cpu(), "PyTorch")) {
            model.load(mlp);
            LayerTrace trace = ModelDebug.trace(model, manager.ones(new Shape(2, 4)));
            assertEquals(1, trace.rows().size());
            assertEquals("(2, 3)", trace.rows().get(0).output().shapes());
            String note = String.join("\n", trace.notes());
            assertTrue(note.contains("opaque") && note.contains("net.0 [weight (8, 4), bias (8,)]")
                    && note.contains("net.2 [weight (3, 8), bias (3,)]"), note);
        }
    }

    @Test
    void anUninitializedBlockGetsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ModelDebug.trace(new SequentialBlock().add(linear(2)), manager.ones(new Shape(1, 2))));
        assertTrue(e.getMessage().contains("not initialized"), e.getMessage());
    }

    @Test
    void theLayerMonitorRecordsLayersAndStopsAtTheFirstNonFiniteLoss() throws Exception {
        NDArray x = manager.randomNormal(new Shape(64, 4));
        NDArray y = x.get(":, 0").gt(0).toType(DataType.FLOAT32, false);
        ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(16, false).build();

        SequentialBlock healthy = new SequentialBlock().add(linear(8)).add(Activation.reluBlock()).add(linear(2));
        Training.Fit fit = Training.of(healthy).loss(Loss.softmaxCrossEntropyLoss()).devices(Device.cpu())
                .optimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())
                .chart(false).progress(false).monitorLayers(2).epochs(1).fit(data);
        LayerMonitor monitor = fit.layers();
        assertEquals(List.of(1.0, 2.0, 4.0), monitor.lossHistory().stream().map(h -> h[0]).toList());
        assertEquals(4, monitor.lastTrace().rows().size());
        assertTrue(monitor.lastGradients().rows().stream().allMatch(r -> r.gradNorm() > 0), monitor.lastGradients().toString());
        assertTrue(monitor.table().text().contains("03Linear"), monitor.table().text());

        // a layer that turns its input into NaN once the weights move: log of a linear map with negative outputs
        SequentialBlock broken = new SequentialBlock().add(linear(8))
                .add(new LambdaBlock(list -> new NDList(list.head().log()))).add(linear(2));
        LayerMonitor.NonFiniteLossException stop = assertThrows(LayerMonitor.NonFiniteLossException.class,
                () -> Training.of(broken).loss(Loss.softmaxCrossEntropyLoss()).devices(Device.cpu())
                        .chart(false).progress(false).monitorLayers(100).epochs(1).fit(data));
        assertTrue(stop.getMessage().contains("at step 1") && stop.getMessage().contains("/02LambdaBlock (LambdaBlock)")
                && stop.getMessage().contains("Training stopped"), stop.getMessage());
        assertEquals("/02LambdaBlock", stop.report().layer());
        assertFalse(java.lang.reflect.Proxy.isProxyClass(broken.getChildren().valueAt(1).getClass()));
    }
}
