package io.djlkernel.djl.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.TestKernel;
import io.djlkernel.djl.tensors.Tensors;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress bars, the live chart and the training helper, on the CPU. */
class TrainingTest {
    @Test
    void progressBarIsRateLimited() throws Exception {
        TestKernel kernel = new TestKernel().bindDisplay();
        ProgressBar bar = new ProgressBar();
        bar.reset("download", 100_000);
        for (int i = 0; i < 100_000; i++) bar.increment(1);
        bar.end();
        assertEquals(1, kernel.displays.size());
        assertTrue(kernel.updates.size() <= 20, "bounded updates: " + kernel.updates.size());
        String last = kernel.updates.get(kernel.updates.size() - 1).toString();
        assertTrue(last.contains("100%") && last.contains("100000/100000") && last.contains("done"), last);
        assertTrue(((String) kernel.updates.get(0).data().get(MimeBundle.TEXT_HTML)).contains("<progress"));
    }

    @Test
    void trainsOnAllDevicesWithALiveChart() throws Exception {
        TestKernel kernel = new TestKernel().bindDisplay();
        try (NDManager m = DjlEnvironment.engine().newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(1);
            // two linearly separable blobs
            NDArray x = m.randomNormal(new Shape(512, 4));
            NDArray y = x.get(":, 0").add(x.get(":, 1")).gt(0).toType(DataType.FLOAT32, false);
            ArrayDataset train = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(32, true).build();
            SequentialBlock net = new SequentialBlock().add(Linear.builder().setUnits(16).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(2).build());
            Training.Fit fit = Tensors.training(net)
                    .loss(Loss.softmaxCrossEntropyLoss())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .evaluator(new Accuracy())
                    .epochs(4)
                    .fit(train, train);
            assertEquals(1, fit.devices().length);
            assertEquals(Device.cpu(), fit.devices()[0]);
            List<Double> losses = fit.chart().epochLosses();
            assertEquals(4, losses.size());
            assertTrue(losses.get(3) < losses.get(0), "loss goes down: " + losses);
            assertTrue(fit.result().getTrainLoss() < 0.5f, String.valueOf(fit.result()));
            // the chart was shown once and then updated in place, as a PNG
            MimeBundle chart = kernel.displays.stream().filter(b -> b.data().containsKey(MimeBundle.IMAGE_PNG))
                    .findFirst().orElseThrow();
            assertTrue(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                    (String) chart.data().get(MimeBundle.IMAGE_PNG)))).getWidth() == LiveChart.WIDTH);
            long chartUpdates = kernel.updates.stream().filter(b -> b.data().containsKey(MimeBundle.IMAGE_PNG)).count();
            assertTrue(chartUpdates >= 4, "redrawn at least each epoch: " + chartUpdates);
            String lastChart = kernel.updates.stream().filter(b -> b.data().containsKey(MimeBundle.IMAGE_PNG))
                    .reduce((a, b) -> b).orElseThrow().toString();
            assertTrue(lastChart.contains("epoch 4") && lastChart.contains("val Accuracy"), lastChart);
            var accuracy = java.util.regex.Pattern.compile("train Accuracy ([0-9.]+)").matcher(lastChart);
            assertTrue(accuracy.find(), lastChart);
            double trainAccuracy = Double.parseDouble(accuracy.group(1));
            assertTrue(trainAccuracy > 0.5 && trainAccuracy <= 1.0, "accuracy is a fraction: " + lastChart);
            // and a progress bar over the batches
            String lastBar = kernel.updates.stream().filter(b -> b.toString().startsWith("training"))
                    .reduce((a, b) -> b).orElseThrow().toString();
            assertTrue(lastBar.contains("64/64 batches") && lastBar.contains("done"), lastBar);
            // already during the first epoch the bar knows the total (16 batches an epoch, 4 epochs)
            String firstEpoch = kernel.updates.stream().map(MimeBundle::toString)
                    .filter(t -> t.startsWith("training") && t.contains("epoch 1/4")).reduce((a, b) -> b).orElseThrow();
            assertTrue(firstEpoch.matches("(?s).*\\d+% \\d+/64 batches.*"), firstEpoch);
            fit.model().close();
        }
    }
}
