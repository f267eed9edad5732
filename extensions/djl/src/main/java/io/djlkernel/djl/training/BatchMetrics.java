package io.djlkernel.djl.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.AbstractAccuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.training.loss.Loss;

import java.util.Map;

/**
 * One batch's loss and accuracy, computed from its predictions and averaged over devices: what the live chart
 * draws and the layer monitor checks for a non-finite loss.
 *
 * @param loss          the mean loss, NaN when no device's loss could be evaluated (or when it is NaN)
 * @param accuracy      the mean accuracy as a fraction, NaN when unknown
 * @param lossEvaluated whether any device's loss was evaluated (a NaN loss then means the model diverged)
 * @param accuracyName  the trainer's accuracy evaluator, or null when it has none
 */
public record BatchMetrics(double loss, double accuracy, boolean lossEvaluated, String accuracyName) {

    public static BatchMetrics of(Trainer trainer, BatchData batchData) {
        Loss lossFn = trainer.getLoss();
        Evaluator accuracy = null;
        for (Evaluator e : trainer.getEvaluators()) {
            if (e != lossFn && !(e instanceof Loss)) {
                accuracy = e;
                break;
            }
        }
        double loss = 0;
        double acc = 0;
        int n = 0;
        int na = 0;
        for (Map.Entry<Device, NDList> entry : batchData.getPredictions().entrySet()) {
            NDList labels = batchData.getLabels().get(entry.getKey());
            if (labels == null) continue;
            try (NDArray l = lossFn.evaluate(labels, entry.getValue())) {
                loss += l.toType(DataType.FLOAT64, false).getDouble();
                n++;
            } catch (RuntimeException ignored) {
                // a loss that cannot evaluate outside its trainer
            }
            if (accuracy != null) {
                try (NDArray a = accuracy.evaluate(labels, entry.getValue())) {
                    double value = a.toType(DataType.FLOAT64, false).getDouble();
                    // DJL's accuracies return the number of correct predictions, not the fraction
                    if (accuracy instanceof AbstractAccuracy && labels.head().size() > 0) value /= labels.head().size();
                    acc += value;
                    na++;
                } catch (RuntimeException ignored) {
                    // not a per-batch evaluator
                }
            }
        }
        return new BatchMetrics(n == 0 ? Double.NaN : loss / n, na == 0 ? Double.NaN : acc / na, n > 0,
                accuracy == null ? null : accuracy.getName());
    }
}
