package io.djlkernel.djl.tensors;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.listener.TrainingListener;
import ai.djl.util.Progress;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.devices.GpuStatus;
import io.djlkernel.djl.training.LiveChart;
import io.djlkernel.djl.training.ProgressBar;
import io.djlkernel.djl.training.Training;

/**
 * What every cell has without imports (static imports of its functions are part of the session's
 * start-up): devices, the notebook's manager, progress bars, a live training chart and a training helper.
 */
public final class Tensors {
    private Tensors() {
    }

    /** The CPU. */
    public static Device cpu() {
        return Device.cpu();
    }

    /** The first GPU; a clear error when PyTorch sees none. */
    public static Device gpu() {
        return gpu(0);
    }

    /** GPU {@code index}; a clear error when PyTorch does not see it. */
    public static Device gpu(int index) {
        int count = DjlEnvironment.engine().getGpuCount();
        if (index < 0 || index >= count) {
            throw new DjlEnvironment.DjlUnavailableException("gpu(" + index + ") is not available: PyTorch sees "
                    + count + " GPU" + (count == 1 ? "" : "s") + (count == 0 ? " (" + GpuStatus.whyNoCuda() + ")" : "")
                    + ". Use cpu(), or devices() for what there is; %gpu says more.");
        }
        return Device.gpu(index);
    }

    /** Every GPU PyTorch sees, or just the CPU when there is none (DJL's convention, what Trainer wants). */
    public static Device[] devices() {
        return DjlEnvironment.engine().getDevices();
    }

    /** The number of GPUs PyTorch sees (0 on CPU-only natives or machines). */
    public static int gpuCount() {
        return DjlEnvironment.engine().getGpuCount();
    }

    /** The notebook's NDManager (what {@code manager} holds), created on first use. */
    public static NDManager notebookManager() {
        return NotebookManagers.root();
    }

    /** A progress bar in the cell's output for DJL's {@link Progress} (e.g. {@code Criteria.optProgress}). */
    public static ProgressBar progressBar() {
        return new ProgressBar();
    }

    /** A progress bar with a title, for loops: {@code var p = progressBar("epochs", 10); ... p.increment(1);} */
    public static ProgressBar progressBar(String title, long total) {
        ProgressBar bar = new ProgressBar();
        bar.reset(title, total);
        return bar;
    }

    /** A training listener that draws loss and accuracy, updated in place every epoch (and every 20 batches). */
    public static TrainingListener liveChart() {
        return new LiveChart();
    }

    /** Trains {@code block} on every device ({@link #devices()}); see {@link Training}. */
    public static Training.Builder training(ai.djl.nn.Block block) {
        return Training.of(block);
    }
}
