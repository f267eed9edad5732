import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.djlkernel.djl.tensors.NotebookManagers;

import java.util.Arrays;

/**
 * The Java side of bench/tensor_bench.py, run with the kernel jar on the class path:
 *   java -cp kernel/target/djl-kernel.jar bench/TensorBench.java first|loop|matmul
 * Times what a notebook cell does (the kernel's JVM is already running): the engine load and first matmul,
 * a tiny op in a loop, a 1000x1000 matmul. Prints one number (ms, or µs per op for the loop).
 */
public class TensorBench {
    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "first";
        long t0 = System.nanoTime();
        NDManager m = NotebookManagers.root(); // the lazy notebook manager: loads the engine
        switch (mode) {
            case "first": {
                NDArray a = m.randomUniform(0f, 1f, new Shape(1000, 1000));
                NDArray b = a.matMul(a);
                b.get(0, 0).getFloat();
                System.out.printf("%.2f%n", (System.nanoTime() - t0) / 1e6);
                break;
            }
            case "loop": {
                NDArray a = m.randomUniform(0f, 1f, new Shape(10));
                NDArray b = m.randomUniform(0f, 1f, new Shape(10));
                int n = 20000;
                double[] perRun = new double[7];
                for (int r = 0; r < perRun.length; r++) {
                    long s = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        a.add(b).close(); // what a cell's loop does, freeing as Python's refcount does
                    }
                    perRun[r] = (System.nanoTime() - s) / 1e3 / n;
                }
                Arrays.sort(perRun);
                System.out.printf("%.3f%n", perRun[perRun.length / 2]);
                break;
            }
            case "matmul": {
                NDArray a = m.randomUniform(0f, 1f, new Shape(1000, 1000));
                NDArray b = m.randomUniform(0f, 1f, new Shape(1000, 1000));
                for (int i = 0; i < 5; i++) a.matMul(b).close();
                double[] t = new double[21];
                for (int i = 0; i < t.length; i++) {
                    long s = System.nanoTime();
                    NDArray c = a.matMul(b);
                    t[i] = (System.nanoTime() - s) / 1e6;
                    c.close();
                }
                Arrays.sort(t);
                System.out.printf("%.3f%n", t[t.length / 2]);
                break;
            }
            default:
                throw new IllegalArgumentException(mode);
        }
    }
}
