import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.inference.Predictor;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.models.LoadedModel;
import io.djlkernel.djl.models.ModelLoader;
import io.djlkernel.djl.models.ModelOptions;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Java side of bench/model_bench.py, run with the kernel jar on the class path:
 *   java -cp 'kernel/target/djl-kernel.jar:kernel/target/lib/*' bench/ModelBench.java MODEL.pt C H W LOADS ITERS
 * Loads the TorchScript file as %model load does (engine already loaded, no cache: the load itself), then
 * times batch-32 predictions and single-image predictions through a tensor predictor. Prints one line:
 *   load_ms=<median> batch32_per_s=<images/s> single_ms=<median> single_p95_ms=<p95>
 */
public class ModelBench {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]).toAbsolutePath();
        int c = Integer.parseInt(args[1]), h = Integer.parseInt(args[2]), w = Integer.parseInt(args[3]);
        int loads = Integer.parseInt(args[4]), iters = Integer.parseInt(args[5]);
        DjlEnvironment.engine();
        ModelOptions opts = ModelOptions.defaults().withDevice("cpu").withCache(false);
        double[] loadMs = new double[loads];
        ModelLoader.load("warm", file, opts).close();
        for (int i = 0; i < loads; i++) {
            long t = System.nanoTime();
            LoadedModel m = ModelLoader.load("m" + i, file, opts);
            loadMs[i] = (System.nanoTime() - t) / 1e6;
            m.close();
        }
        try (LoadedModel m = ModelLoader.load("bench", file, opts);
             Predictor<NDList, NDList> p = m.newTensorPredictor();
             NDManager mgr = NDManager.newBaseManager()) {
            NDList batch = new NDList(mgr.randomUniform(0, 1, new Shape(32, c, h, w)));
            NDList one = new NDList(mgr.randomUniform(0, 1, new Shape(1, c, h, w)));
            for (int i = 0; i < Math.max(3, iters / 5); i++) p.predict(batch).close();
            long t = System.nanoTime();
            for (int i = 0; i < iters; i++) p.predict(batch).close();
            double batchPerS = 32.0 * iters / ((System.nanoTime() - t) / 1e9);
            for (int i = 0; i < 20; i++) p.predict(one).close();
            int n = iters * 4;
            double[] single = new double[n];
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                NDList out = p.predict(one);
                out.singletonOrThrow().toFloatArray(); // the result back in Java, as a caller needs it
                out.close();
                single[i] = (System.nanoTime() - s) / 1e6;
            }
            System.out.printf("load_ms=%.3f batch32_per_s=%.2f single_ms=%.4f single_p95_ms=%.4f%n",
                    median(loadMs), batchPerS, median(single), pct(single, 0.95));
        }
    }

    static double median(double[] a) {
        return pct(a, 0.5);
    }

    static double pct(double[] a, double q) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(q * (s.length - 1) + 0.5))];
    }
}
