package io.djlkernel.djl.debug;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import io.djlkernel.djl.models.LoadedModel;

/**
 * Model debugging in every cell, without imports (static imports of these functions are part of the session's
 * start-up, like {@code gpu()}):
 * <pre>{@code
 * trace(net, x)            // one forward pass, one row per layer: shape, dtype, device, stats, NaN/Inf, time, memory
 * firstNonFinite(net, x)   // the first layer whose output holds NaN/Inf, its input and its parameters
 * gradients(net)           // after a backward pass: per-parameter gradient norms, ratios, vanishing/exploding flags
 * training(net).monitorLayers(50).fit(train)   // the same per layer during training; stops at a non-finite loss
 * }</pre>
 * DJL has no forward hooks: {@link BlockTaps} observes a pass by swapping each child for a delegating proxy for
 * its duration and putting the originals back afterwards, also when the pass throws. The block is never
 * otherwise changed, and the pass runs in inference mode ({@code training = false}).
 */
public final class ModelDebug {
    private ModelDebug() {
    }

    public static LayerTrace trace(Block block, NDArray input) {
        return trace(block, new NDList(input));
    }

    public static LayerTrace trace(Block block, NDList input) {
        return LayerTrace.run(block, input, false);
    }

    public static LayerTrace trace(Model model, NDArray input) {
        return trace(blockOf(model), input);
    }

    public static LayerTrace trace(Model model, NDList input) {
        return trace(blockOf(model), input);
    }

    /** A model bound by {@code %model load}; the input is moved to the model's device first. */
    public static LayerTrace trace(LoadedModel model, NDArray input) {
        return trace(model.model(), input.toDevice(model.device(), false));
    }

    public static NonFiniteReport firstNonFinite(Block block, NDArray input) {
        return firstNonFinite(block, new NDList(input));
    }

    public static NonFiniteReport firstNonFinite(Block block, NDList input) {
        return new NonFiniteReport(LayerTrace.run(block, input, true));
    }

    public static NonFiniteReport firstNonFinite(Model model, NDArray input) {
        return firstNonFinite(blockOf(model), input);
    }

    public static NonFiniteReport firstNonFinite(LoadedModel model, NDArray input) {
        return firstNonFinite(model.model(), input.toDevice(model.device(), false));
    }

    /** Per-parameter gradients after a backward pass; the ratio column is ‖g‖/‖w‖. */
    public static GradientReport gradients(Block block) {
        return GradientReport.of(block, Double.NaN);
    }

    /** Per-parameter gradients with the update ratio lr·‖g‖/‖w‖ for an SGD-like step of {@code learningRate}. */
    public static GradientReport gradients(Block block, double learningRate) {
        return GradientReport.of(block, learningRate);
    }

    public static GradientReport gradients(Model model) {
        return gradients(blockOf(model));
    }

    /** A training listener: per-layer activation and gradient statistics every {@code everySteps} batches. */
    public static LayerMonitor layerMonitor(int everySteps) {
        return new LayerMonitor(everySteps);
    }

    private static Block blockOf(Model model) {
        if (model == null) throw new IllegalArgumentException("the model is null");
        Block block = model.getBlock();
        if (block == null) throw new IllegalArgumentException("model '" + model.getName() + "' has no block");
        return block;
    }
}
