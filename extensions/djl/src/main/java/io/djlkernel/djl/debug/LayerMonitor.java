package io.djlkernel.djl.debug;

import io.djlkernel.djl.training.BatchMetrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.util.Pair;
import io.djlkernel.api.display.Display;
import io.djlkernel.api.display.MimeBundle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training listener that looks inside the network while it trains: every {@code everySteps} batches (and on the
 * first) it records each layer's activation statistics and gradient norm, with the batch's loss and accuracy, and
 * shows them in the cell as one table redrawn in place (below the live chart when {@code training(...)} draws one).
 * <p>
 * Activations come from an extra forward pass in inference mode on that step's batch (traced like
 * {@code trace(block, x)}: dropout off, batch norm on its running statistics), taken before the optimizer's step,
 * so the trainer's own pass is never touched. Gradients are those of the trainer's backward pass.
 * <p>
 * The first batch whose loss is NaN or infinite ends training with a {@link NonFiniteLossException} naming the layer
 * whose output first went non-finite on that batch (or, when every output is finite, the first parameter that is
 * not, or else the loss itself).
 */
public final class LayerMonitor implements TrainingListener, LayerReport {
    static final List<String> HEADER = List.of("layer", "type", "output", "mean", "std", "NaN", "Inf", "zeros",
            "‖grad‖", "‖g‖/‖w‖");

    /** Training stopped because a batch's loss was not finite; the message names the layer. */
    public static final class NonFiniteLossException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient NonFiniteReport report;

        NonFiniteLossException(String message, NonFiniteReport report) {
            super(message);
            this.report = report;
        }

        /** The pass that found the layer, or null when every layer's output was finite. */
        public NonFiniteReport report() {
            return report;
        }
    }

    private final int everySteps;
    private final List<double[]> lossHistory = new ArrayList<>(); // {step, loss, accuracy, epoch (1-based)}
    private LayerTrace lastTrace;
    private GradientReport lastGradients;
    private NonFiniteReport nonFinite;
    private String stopMessage;
    private long step;
    private long sampledStep;
    private int epoch;
    private String displayId;

    LayerMonitor(int everySteps) {
        if (everySteps < 1) throw new IllegalArgumentException("layerMonitor: everySteps must be at least 1, not " + everySteps);
        this.everySteps = everySteps;
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        step++;
        BatchMetrics metrics = BatchMetrics.of(trainer, batchData);
        Block block = trainer.getModel().getBlock();
        if (metrics.lossEvaluated() && !Double.isFinite(metrics.loss())) {
            stop(block, trainer, batchData, metrics.loss());
            return;
        }
        if (step != 1 && step % everySteps != 0) return;
        LayerTrace trace;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            trace = LayerTrace.run(block, input(trainer, batchData), false);
        }
        GradientReport gradients = GradientReport.of(block, Double.NaN);
        synchronized (this) {
            lossHistory.add(new double[]{step, metrics.loss(), metrics.accuracy(), epoch + 1});
            lastTrace = trace;
            lastGradients = gradients;
            sampledStep = step;
        }
        show();
    }

    private void stop(Block block, Trainer trainer, BatchData batchData, double loss) {
        NonFiniteReport report;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            report = new NonFiniteReport(LayerTrace.run(block, input(trainer, batchData), true));
        }
        String where;
        if (report.found()) {
            where = "the first non-finite output on this batch is " + report.summary();
        } else {
            List<String> bad = nonFiniteParameters(block);
            where = !bad.isEmpty() ? "every layer's output is finite, but parameter " + bad.get(0) + " holds NaN/Inf"
                    : "every layer's output is finite (in inference mode), so the loss itself produced it "
                    + "(e.g. log of 0 in the loss, or a training-only layer)";
        }
        String message;
        synchronized (this) {
            lossHistory.add(new double[]{step, loss, Double.NaN, epoch + 1});
            nonFinite = report;
            stopMessage = "loss is " + (Double.isNaN(loss) ? "NaN" : LayerStats.num(loss)) + " at step " + step + " (epoch " + (epoch + 1) + "): "
                    + where + ". Training stopped.";
            message = stopMessage;
        }
        show();
        throw new NonFiniteLossException(message, report.found() ? report : null);
    }

    private static List<String> nonFiniteParameters(Block block) {
        List<String> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().isInitialized()) continue;
            if (LayerStats.of(p.getValue().getArray()).nonFinite()) out.add(p.getKey());
        }
        return out;
    }

    /** The batch's data on the trainer's first device (arrays moved there close with the caller's scope). */
    private static NDList input(Trainer trainer, BatchData batchData) {
        Device device = trainer.getDevices()[0];
        NDList data = batchData.getBatch().getData();
        NDList out = new NDList(data.size());
        for (NDArray a : data) out.add(a.getDevice().equals(device) ? a : a.toDevice(device, false));
        return out;
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
    }

    @Override
    public void onEpoch(Trainer trainer) {
        epoch++;
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        show();
    }

    /** The (step, loss, accuracy) of every sampled batch, and of the batch that stopped training. */
    public synchronized List<double[]> lossHistory() {
        List<double[]> out = new ArrayList<>();
        for (double[] h : lossHistory) out.add(new double[]{h[0], h[1], h[2]});
        return out;
    }

    /** The last sampled activations, or null before the first sample. */
    public synchronized LayerTrace lastTrace() {
        return lastTrace;
    }

    /** The last sampled gradients, or null before the first sample. */
    public synchronized GradientReport lastGradients() {
        return lastGradients;
    }

    /** What stopped training, or null. */
    public synchronized String stopMessage() {
        return stopMessage;
    }

    /** The report of the batch that stopped training, or null. */
    public synchronized NonFiniteReport nonFinite() {
        return nonFinite;
    }

    private void show() {
        MimeBundle bundle = new MimeBundle();
        render(bundle);
        try {
            if (displayId == null) displayId = Display.display(bundle);
            else Display.updateDisplay(displayId, bundle);
        } catch (IllegalStateException notInKernel) {
            // no cell to show it in (a test, a server thread)
        }
    }

    @Override
    public synchronized LayerTable table() {
        if (nonFinite != null && nonFinite.found()) {
            LayerTable t = nonFinite.table();
            t.note(stopMessage);
            return withHistory(t);
        }
        double[] last = lossHistory.isEmpty() ? null : lossHistory.get(lossHistory.size() - 1);
        String title = "Layers every " + everySteps + " steps" + (last == null ? ": waiting for the first batch"
                : " — step " + (long) last[0] + " (epoch " + (long) last[3] + ") · loss " + LayerStats.num(last[1])
                + (Double.isNaN(last[2]) ? "" : " · accuracy " + LayerStats.num(last[2])));
        LayerTable t = new LayerTable("monitor", title, HEADER);
        if (lastTrace != null) {
            Map<String, double[]> grads = gradientsByLayer();
            for (LayerTrace.Row r : lastTrace.rows()) {
                LayerStats s = r.output();
                double[] g = grads.get(r.path());
                List<String> cells = List.of(r.path().isEmpty() ? "(root)" : r.path().substring(r.path().lastIndexOf('/') + 1),
                        r.type(), s.shapes(), LayerStats.num(s.mean()), LayerStats.num(s.std()), Long.toString(s.nanCount()),
                        Long.toString(s.infCount()), Double.isNaN(s.zeroFraction()) ? "—" : String.format("%.1f%%", 100 * s.zeroFraction()),
                        g == null ? "" : LayerStats.num(Math.sqrt(g[0])),
                        g == null ? "" : LayerStats.num(Math.sqrt(g[0]) / Math.max(Math.sqrt(g[1]), 1e-30)));
                Map<String, Object> json = LayerTrace.json(r.path(), r.type(), s, r.millis(), r.memoryBytes());
                if (g != null) json.put("grad_norm", LayerStats.jsonNumber(Math.sqrt(g[0])));
                t.row(cells, s.nonFinite() ? "nan" : null, r.depth(), json);
            }
        }
        if (lastGradients != null) {
            for (GradientReport.Row r : lastGradients.flagged()) t.note("gradient of " + r.name() + ": " + r.flag());
        }
        t.note("activations from an inference-mode pass on the sampled batch; ‖grad‖ over each leaf layer's parameters");
        if (stopMessage != null) t.note(stopMessage);
        return withHistory(t);
    }

    private LayerTable withHistory(LayerTable t) {
        List<List<Object>> history = new ArrayList<>();
        for (double[] h : lossHistory) {
            history.add(List.of((long) h[0], LayerStats.jsonNumber(h[1]), LayerStats.jsonNumber(h[2])));
        }
        return t.put("loss_history", history).put("step", sampledStep);
    }

    /** Sums of squared gradient and weight norms of each leaf layer's parameters, by the trace's path. */
    private Map<String, double[]> gradientsByLayer() {
        Map<String, double[]> out = new LinkedHashMap<>();
        if (lastGradients == null || lastTrace == null) return out;
        for (LayerTrace.Row r : lastTrace.rows()) {
            boolean leaf = lastTrace.rows().stream().noneMatch(o -> o.path().startsWith(r.path() + "/"));
            if (!leaf) continue;
            // getParameters() names a child's parameters by its key chain joined with '_' (01Linear_weight)
            String prefix = r.path().isEmpty() ? "" : r.path().substring(1).replace('/', '_') + "_";
            double g = 0;
            double w = 0;
            boolean any = false;
            for (GradientReport.Row p : lastGradients.rows()) {
                if (!p.name().startsWith(prefix) || Double.isNaN(p.gradNorm())) continue;
                g += p.gradNorm() * p.gradNorm();
                w += p.weightNorm() * p.weightNorm();
                any = true;
            }
            if (any) out.put(r.path(), new double[]{g, w});
        }
        return out;
    }

    @Override
    public String toString() {
        return table().text();
    }
}
