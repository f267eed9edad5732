package io.djlkernel.djl.tensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The elements of an array a bounded view shows: along each axis longer than {@code 2 * edge}, only the first
 * and last {@code edge} entries (PyTorch's "summarized data"). Sliced on the array's device, so only the corners
 * are copied to the JVM: rendering a 25-million-element array reads at most {@code (2*edge)^ndim} values.
 */
final class Corners {
    /** Values of the corner array, row-major: doubles for floating types, longs for integers, booleans. */
    final double[] doubles;
    final long[] longs;
    final boolean[] booleans;
    final long[] shape;       // of the full array
    final long[] cornerShape; // of the corners fetched
    final boolean[] elided;   // per axis: whether the middle was left out
    final int edge;

    private Corners(double[] d, long[] l, boolean[] b, long[] shape, long[] cornerShape, boolean[] elided, int edge) {
        this.doubles = d;
        this.longs = l;
        this.booleans = b;
        this.shape = shape;
        this.cornerShape = cornerShape;
        this.elided = elided;
        this.edge = edge;
    }

    /** @param summarize whether to elide at all (PyTorch elides when numel exceeds its threshold, 1000) */
    static Corners of(NDArray array, int edge, boolean summarize) {
        Shape shape = array.getShape();
        int ndim = shape.dimension();
        long[] full = shape.getShape();
        boolean[] elided = new boolean[ndim];
        NDArray corner = array;
        NDList temporaries = new NDList();
        try {
            for (int axis = 0; axis < ndim; axis++) {
                long n = full[axis];
                if (summarize && n > 2L * edge) {
                    elided[axis] = true;
                    NDArray head = corner.get(sliceOnAxis(axis, 0, edge));
                    NDArray tail = corner.get(sliceOnAxis(axis, n - edge, n));
                    NDArray joined = head.concat(tail, axis);
                    temporaries.add(head);
                    temporaries.add(tail);
                    temporaries.add(joined);
                    corner = joined;
                }
            }
            long[] cornerShape = corner.getShape().getShape();
            DataType type = array.getDataType();
            if (type == DataType.BOOLEAN) {
                return new Corners(null, null, corner.toBooleanArray(), full, cornerShape, elided, edge);
            }
            if (type.isFloating()) {
                double[] values;
                if (type == DataType.FLOAT64) {
                    values = corner.toDoubleArray();
                } else {
                    NDArray d = corner.toType(DataType.FLOAT64, false);
                    temporaries.add(d);
                    values = d.toDoubleArray();
                }
                return new Corners(values, null, null, full, cornerShape, elided, edge);
            }
            long[] values;
            if (type == DataType.INT64) {
                values = corner.toLongArray();
            } else {
                NDArray l = corner.toType(DataType.INT64, false);
                temporaries.add(l);
                values = l.toLongArray();
            }
            return new Corners(null, values, null, full, cornerShape, elided, edge);
        } finally {
            for (NDArray t : temporaries) {
                if (t != array) t.close();
            }
        }
    }

    /** An index that keeps every axis but {@code axis}, which is sliced to [from, to). */
    static NDIndex sliceOnAxis(int axis, long from, long to) {
        NDIndex index = new NDIndex();
        if (axis > 0) index.addAllDim(axis);
        return index.addSliceDim(from, to);
    }

    int size() {
        return doubles != null ? doubles.length : longs != null ? longs.length : booleans.length;
    }

    boolean isFloating() {
        return doubles != null;
    }

    boolean isBoolean() {
        return booleans != null;
    }

    /** Index in the full array of position {@code i} along {@code axis} of the corners. */
    long fullIndex(int axis, int i) {
        if (!elided[axis] || i < edge) return i;
        return shape[axis] - (cornerShape[axis] - i);
    }
}
