package io.djlkernel.djl.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tensor in Java memory, row-major: what requests decode into and responses encode from, so that request
 * threads never touch the engine. {@code data} is a {@code long[]} (BOOL and integer types), {@code float[]}
 * (FP32), {@code double[]} (FP64, FP16) or {@code String[]} (BYTES).
 */
public record HostTensor(String name, V2Type type, long[] shape, Object data) {

    /** The product of the dimensions; Long.MAX_VALUE when it overflows (a client's shape can be anything). */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    public int size() {
        if (data instanceof long[] a) return a.length;
        if (data instanceof float[] a) return a.length;
        if (data instanceof double[] a) return a.length;
        return ((String[]) data).length;
    }

    public HostTensor rename(String newName) {
        return new HostTensor(newName, type, shape, data);
    }

    /** An engine array in {@code manager}; 16-bit integers widen to INT32 (DJL 0.36 aborts the JVM on
     * INT16 arrays), unsigned 32/64-bit to INT64. */
    public NDArray toNDArray(NDManager manager) {
        Shape s = new Shape(shape);
        switch (type) {
            case FP32: return manager.create((float[]) data, s);
            case FP64: return manager.create((double[]) data, s);
            case INT64: case UINT32: case UINT64: return manager.create((long[]) data, s);
            case BOOL: {
                long[] v = (long[]) data;
                boolean[] b = new boolean[v.length];
                for (int i = 0; i < v.length; i++) b[i] = v[i] != 0;
                return manager.create(b, s);
            }
            case INT32: case INT16: case UINT16: {
                long[] v = (long[]) data;
                int[] b = new int[v.length];
                for (int i = 0; i < v.length; i++) b[i] = (int) v[i];
                return manager.create(b, s);
            }
            case INT8: case UINT8: {
                long[] v = (long[]) data;
                ByteBuffer bb = ByteBuffer.allocateDirect(v.length);
                for (long x : v) bb.put((byte) x);
                bb.rewind();
                return manager.create(bb, s, type == V2Type.INT8 ? DataType.INT8 : DataType.UINT8);
            }
            default: throw new BadRequest("datatype " + type + " cannot be a tensor input of this model");
        }
    }

    /** Copies an engine array to Java memory (half floats become FP32 values; the type stays what the model said). */
    public static HostTensor of(String name, NDArray a) {
        long[] shape = a.getShape().getShape();
        DataType t = a.getDataType();
        switch (t) {
            case FLOAT32: return new HostTensor(name, V2Type.FP32, shape, a.toFloatArray());
            case FLOAT64: return new HostTensor(name, V2Type.FP64, shape, a.toDoubleArray());
            case FLOAT16: case BFLOAT16: return new HostTensor(name, V2Type.FP32, shape, a.toType(DataType.FLOAT32, false).toFloatArray());
            case BOOLEAN: {
                boolean[] b = a.toBooleanArray();
                long[] v = new long[b.length];
                for (int i = 0; i < b.length; i++) v[i] = b[i] ? 1 : 0;
                return new HostTensor(name, V2Type.BOOL, shape, v);
            }
            case UINT8: {
                byte[] b = a.toByteArray();
                long[] v = new long[b.length];
                for (int i = 0; i < b.length; i++) v[i] = b[i] & 0xff;
                return new HostTensor(name, V2Type.UINT8, shape, v);
            }
            default:
                return new HostTensor(name, V2Type.of(t), shape, a.toType(DataType.INT64, false).toLongArray());
        }
    }

    /** Rows {@code [from, to)} along the first dimension. */
    public HostTensor rows(int from, int to) {
        long[] s = shape.clone();
        int row = (int) (elementCount(shape) / Math.max(1, shape[0]));
        s[0] = to - from;
        Object d;
        if (data instanceof long[] a) d = Arrays.copyOfRange(a, from * row, to * row);
        else if (data instanceof float[] a) d = Arrays.copyOfRange(a, from * row, to * row);
        else if (data instanceof double[] a) d = Arrays.copyOfRange(a, from * row, to * row);
        else d = Arrays.copyOfRange((String[]) data, from * row, to * row);
        return new HostTensor(name, type, s, d);
    }

    /** Whether {@code other} can be stacked under this along the first dimension. */
    public boolean stacksWith(HostTensor other) {
        return type == other.type && shape.length > 0 && other.shape.length == shape.length
                && Arrays.equals(shape, 1, shape.length, other.shape, 1, shape.length);
    }

    /** Tensors stacked along the first dimension (all {@link #stacksWith} the first). */
    public static HostTensor concat(java.util.List<HostTensor> parts) {
        HostTensor first = parts.get(0);
        if (parts.size() == 1) return first;
        long rows = 0;
        int n = 0;
        for (HostTensor p : parts) {
            rows += p.shape[0];
            n += p.size();
        }
        long[] s = first.shape.clone();
        s[0] = rows;
        Object d;
        int at = 0;
        if (first.data instanceof long[]) {
            long[] out = new long[n];
            for (HostTensor p : parts) { long[] a = (long[]) p.data; System.arraycopy(a, 0, out, at, a.length); at += a.length; }
            d = out;
        } else if (first.data instanceof float[]) {
            float[] out = new float[n];
            for (HostTensor p : parts) { float[] a = (float[]) p.data; System.arraycopy(a, 0, out, at, a.length); at += a.length; }
            d = out;
        } else if (first.data instanceof double[]) {
            double[] out = new double[n];
            for (HostTensor p : parts) { double[] a = (double[]) p.data; System.arraycopy(a, 0, out, at, a.length); at += a.length; }
            d = out;
        } else {
            String[] out = new String[n];
            for (HostTensor p : parts) { String[] a = (String[]) p.data; System.arraycopy(a, 0, out, at, a.length); at += a.length; }
            d = out;
        }
        return new HostTensor(first.name, first.type, s, d);
    }
}
