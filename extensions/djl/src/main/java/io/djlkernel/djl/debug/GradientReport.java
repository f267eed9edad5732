package io.djlkernel.djl.debug;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-parameter gradients after a backward pass: the gradient's L2 norm, the weight's L2 norm, their ratio
 * (with a learning rate, the update ratio lr·‖g‖/‖w‖, which should sit near 1e-3) and the gradient's
 * distribution. A gradient is flagged "vanishing" when ‖g‖ &lt; {@value #VANISHING}·max(‖w‖, 1), "exploding" when
 * ‖g‖ &gt; {@value #EXPLODING}·max(‖w‖, 1), "nan" when it holds NaN or Inf (max(‖w‖, 1) so that a zero-initialised
 * bias is not flagged for any gradient at all), and "zero" when every element is 0: DJL returns zeros for a
 * parameter no backward pass has reached yet, so that is either "not trained yet" or a dead path.
 */
public final class GradientReport implements LayerReport {
    public static final double VANISHING = 1e-7;
    public static final double EXPLODING = 1e3;
    static final List<String> HEADER = List.of("parameter", "shape", "‖grad‖", "‖weight‖", "ratio", "grad min",
            "grad max", "grad mean", "grad std", "NaN", "Inf", "zeros", "flag");

    /** One parameter; {@code gradient} is null when it has none (no backward pass, or frozen). */
    public record Row(String name, String shape, double gradNorm, double weightNorm, double ratio, LayerStats gradient,
                      String flag) {
    }

    private final String title;
    private final List<Row> rows;
    private final double learningRate;

    private GradientReport(String title, List<Row> rows, double learningRate) {
        this.title = title;
        this.rows = rows;
        this.learningRate = learningRate;
    }

    /** {@code learningRate} NaN: the ratio column is ‖g‖/‖w‖; else lr·‖g‖/‖w‖. */
    static GradientReport of(Block block, double learningRate) {
        if (block == null) throw new IllegalArgumentException("gradients: the block is null");
        List<Row> rows = new ArrayList<>();
        int missing = 0;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter param = p.getValue();
                if (!param.isInitialized()) continue;
                NDArray w = param.getArray();
                String shape = io.djlkernel.djl.tensors.NDArrayFormat.shapeString(w.getShape());
                double wNorm = l2(w);
                NDArray g = gradientOf(w);
                if (g == null) {
                    missing++;
                    rows.add(new Row(p.getKey(), shape, Double.NaN, wNorm, Double.NaN, null, "no gradient"));
                    continue;
                }
                LayerStats stats = LayerStats.of(g);
                double gNorm = stats.nonFinite() ? Double.NaN : l2(g);
                // undefined for an all-zero weight (a fresh bias): shown as "—" rather than a huge number
                double ratio = wNorm > 0 ? gNorm / wNorm * (Double.isNaN(learningRate) ? 1 : learningRate) : Double.NaN;
                String flag = stats.nonFinite() ? "nan"
                        : stats.zeroCount() == stats.count() ? "zero"
                        : gNorm < VANISHING * Math.max(wNorm, 1) ? "vanishing"
                        : gNorm > EXPLODING * Math.max(wNorm, 1) ? "exploding" : null;
                rows.add(new Row(p.getKey(), shape, gNorm, wNorm, ratio, stats, flag));
            }
        }
        String title = "Gradients of " + block.getClass().getSimpleName() + ": " + rows.size() + " parameters"
                + (missing > 0 ? ", " + missing + " without a gradient (run a backward pass inside a GradientCollector "
                + "with the parameters attached, e.g. a Trainer's step, first)" : "");
        return new GradientReport(title, rows, learningRate);
    }

    /** The gradient, or null when the array is not attached or no backward pass reached it yet. */
    private static NDArray gradientOf(NDArray w) {
        try {
            return w.hasGradient() ? w.getGradient() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static double l2(NDArray a) {
        return Math.sqrt(a.toType(DataType.FLOAT64, false).square().sum().getDouble());
    }

    public List<Row> rows() {
        return rows;
    }

    /** The row of a parameter by its name in {@code block.getParameters()}, or null. */
    public Row row(String name) {
        for (Row r : rows) if (r.name().equals(name)) return r;
        return null;
    }

    /** Rows flagged vanishing, exploding or nan. */
    public List<Row> flagged() {
        return rows.stream().filter(r -> r.flag() != null && !r.flag().equals("no gradient")).toList();
    }

    @Override
    public LayerTable table() {
        List<String> header = new ArrayList<>(HEADER);
        if (!Double.isNaN(learningRate)) header.set(4, "lr·‖g‖/‖w‖");
        else header.set(4, "‖g‖/‖w‖");
        LayerTable t = new LayerTable("gradients", title, header);
        for (Row r : rows) {
            LayerStats s = r.gradient() == null ? LayerStats.NONE : r.gradient();
            List<String> cells = List.of(r.name(), r.shape(), LayerStats.num(r.gradNorm()), LayerStats.num(r.weightNorm()),
                    LayerStats.num(r.ratio()), LayerStats.num(s.min()), LayerStats.num(s.max()), LayerStats.num(s.mean()),
                    LayerStats.num(s.std()), Long.toString(s.nanCount()), Long.toString(s.infCount()),
                    Double.isNaN(s.zeroFraction()) ? "—" : String.format("%.1f%%", 100 * s.zeroFraction()),
                    r.flag() == null ? "" : r.flag());
            Map<String, Object> json = LayerTrace.json(r.name(), "parameter", s, Double.NaN, -1);
            json.put("shape", r.shape());
            json.put("grad_norm", LayerStats.jsonNumber(r.gradNorm()));
            json.put("weight_norm", LayerStats.jsonNumber(r.weightNorm()));
            json.put("ratio", LayerStats.jsonNumber(r.ratio()));
            t.row(cells, r.flag() == null || r.flag().equals("no gradient") ? null : r.flag(), 0, json);
        }
        t.note("flags: zero when every element is 0 (no backward pass reached it yet, or no path from the loss), vanishing when ‖g‖ < " + VANISHING + "·max(‖w‖,1), exploding when ‖g‖ > " + EXPLODING
                + "·max(‖w‖,1), nan when the gradient holds NaN/Inf"
                + (Double.isNaN(learningRate) ? "; gradients(block, lr) shows the update ratio lr·‖g‖/‖w‖ (healthy near 1e-3)" : ""));
        return t;
    }

    @Override
    public String toString() {
        return table().text();
    }
}
