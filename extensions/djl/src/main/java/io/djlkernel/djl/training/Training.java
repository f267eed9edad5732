package io.djlkernel.djl.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.debug.LayerMonitor;
import io.djlkernel.djl.debug.ModelDebug;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains a Block with DJL's Trainer on every device ({@code devices()}: all GPUs, data-parallel, each batch split
 * across them by {@link EasyTrain}; the CPU when there is none), with a live chart and a progress bar:
 * <pre>{@code
 * var fit = training(net).loss(Loss.softmaxCrossEntropyLoss()).evaluator(new Accuracy()).epochs(5).fit(train, test);
 * fit.model()   // the trained model; fit.result() has the losses and evaluations
 * }</pre>
 */
public final class Training {
    private Training() {
    }

    public static Builder of(Block block) {
        return new Builder(block);
    }

    /** The trained model and DJL's TrainingResult; {@code layers} is null unless {@code monitorLayers} was asked for. */
    public record Fit(Model model, TrainingResult result, Device[] devices, LiveChart chart, LayerMonitor layers) {
        @Override
        public String toString() {
            return "Fit(model=" + model.getName() + ", devices=" + java.util.Arrays.toString(devices) + ", " + result + ")";
        }
    }

    public static final class Builder {
        private final Block block;
        private Loss loss = Loss.softmaxCrossEntropyLoss();
        private Optimizer optimizer;
        private final List<Evaluator> evaluators = new ArrayList<>();
        private final List<TrainingListener> listeners = new ArrayList<>();
        private int epochs = 1;
        private Shape inputShape;
        private Device[] devices;
        private boolean chart = true;
        private boolean progress = true;
        private String name = "notebook-model";
        private int monitorEvery;

        Builder(Block block) {
            this.block = block;
        }

        public Builder loss(Loss l) {
            this.loss = l;
            return this;
        }

        public Builder optimizer(Optimizer o) {
            this.optimizer = o;
            return this;
        }

        public Builder evaluator(Evaluator e) {
            evaluators.add(e);
            return this;
        }

        public Builder listener(TrainingListener l) {
            listeners.add(l);
            return this;
        }

        public Builder epochs(int n) {
            this.epochs = n;
            return this;
        }

        /** The input shape for initialization; by default the first training batch's. */
        public Builder inputShape(Shape s) {
            this.inputShape = s;
            return this;
        }

        /** Which devices to train on; by default every GPU, else the CPU. */
        public Builder devices(Device... d) {
            this.devices = d;
            return this;
        }

        public Builder chart(boolean on) {
            this.chart = on;
            return this;
        }

        public Builder progress(boolean on) {
            this.progress = on;
            return this;
        }

        /**
         * Per-layer activation and gradient statistics every {@code everySteps} batches, shown below the chart, and a
         * stop at the first non-finite loss naming the layer that produced it (see {@link LayerMonitor}).
         */
        public Builder monitorLayers(int everySteps) {
            if (everySteps < 1) throw new IllegalArgumentException("monitorLayers: everySteps must be at least 1, not " + everySteps);
            this.monitorEvery = everySteps;
            return this;
        }

        public Builder name(String n) {
            this.name = n;
            return this;
        }

        public Fit fit(Dataset train) throws IOException, ai.djl.translate.TranslateException {
            return fit(train, null);
        }

        public Fit fit(Dataset train, Dataset validate) throws IOException, ai.djl.translate.TranslateException {
            Device[] on = devices != null ? devices : DjlEnvironment.engine().getDevices();
            Model model = Model.newInstance(name, on[0]);
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optDevices(on);
            if (optimizer != null) config.optOptimizer(optimizer);
            if (on.length > 1) config.optExecutorService(); // one thread per device: the batch pieces run in parallel
            for (Evaluator e : evaluators) config.addEvaluator(e);
            // before DJL's divergence check, which would end a NaN loss with a generic message first
            LayerMonitor monitor = monitorEvery > 0 ? ModelDebug.layerMonitor(monitorEvery) : null;
            if (monitor != null) config.addTrainingListeners(monitor);
            for (TrainingListener l : listeners) if (l instanceof LayerMonitor) config.addTrainingListeners(l);
            config.addTrainingListeners(TrainingListener.Defaults.basic());
            LiveChart liveChart = chart ? new LiveChart() : null;
            if (liveChart != null) config.addTrainingListeners(liveChart);
            if (progress) config.addTrainingListeners(new EpochProgress(epochs));
            for (TrainingListener l : listeners) if (!(l instanceof LayerMonitor)) config.addTrainingListeners(l);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.setMetrics(new Metrics());
                Shape shape = inputShape != null ? inputShape : firstInputShape(trainer, train);
                trainer.initialize(shape);
                EasyTrain.fit(trainer, epochs, train, validate);
                return new Fit(model, trainer.getTrainingResult(), on, liveChart, monitor);
            }
        }

        private static Shape firstInputShape(Trainer trainer, Dataset train) throws IOException, ai.djl.translate.TranslateException {
            for (Batch batch : trainer.iterateDataset(train)) {
                try (batch) {
                    return batch.getData().head().getShape();
                }
            }
            throw new IllegalArgumentException("the training dataset is empty");
        }
    }

    /**
     * A progress bar over all batches of all epochs. The number of batches per epoch is estimated from the first
     * batch (DJL's datasets say how many records an epoch has), so the bar shows a percentage and an ETA from the
     * start, not only after the first epoch; the count the first epoch really had replaces the estimate.
     */
    static final class EpochProgress implements TrainingListener {
        private final int epochs;
        private ProgressBar bar;
        private long batches;
        private long perEpoch = -1;
        private boolean counted;
        private int epoch;

        EpochProgress(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public void onTrainingBegin(Trainer trainer) {
            bar = new ProgressBar().unit("batches");
            bar.reset("training", -1, "epoch 1/" + epochs);
        }

        @Override
        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
            batches++;
            bar.update(batches, null);
            if (perEpoch < 0) {
                Batch first = batchData.getBatch();
                long records = first.getProgressTotal();
                if (records > 0 && first.getSize() > 0) {
                    perEpoch = (records + first.getSize() - 1) / first.getSize();
                    bar.total(perEpoch * epochs);
                }
            }
        }

        @Override
        public void onValidationBatch(Trainer trainer, BatchData batchData) {
        }

        @Override
        public void onEpoch(Trainer trainer) {
            epoch++;
            if (!counted) {
                counted = true;
                perEpoch = batches;
                bar.total(perEpoch * epochs);
            }
            bar.update(batches, "epoch " + Math.min(epoch + 1, epochs) + "/" + epochs);
        }

        @Override
        public void onTrainingEnd(Trainer trainer) {
            bar.update(batches, "epochs " + epochs + "/" + epochs);
            bar.end();
        }
    }
}
