package io.djlkernel.djl.debug;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.djlkernel.djl.tensors.NDArrayFormat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one layer's output (or input, or a parameter) looks like: shapes, dtype, device, min/max/mean/std over the
 * finite elements, NaN and Inf counts, the fraction of zeros and a {@value #BINS}-bin histogram of the finite values
 * (the panel's sparkline). Reductions run on the arrays' own device; only numbers come back to the JVM, and every
 * temporary array is closed before {@link #of} returns.
 */
public record LayerStats(String shapes, String dtype, String device, long count, long nanCount, long infCount,
                         long zeroCount, double min, double max, double mean, double std, long[] histogram) {
    public static final int BINS = 16;
    static final LayerStats NONE = new LayerStats("", "", "", 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, new long[0]);

    public static LayerStats of(NDArray array) {
        return of(new NDList(array));
    }

    /** Statistics over every array of the list together (a layer with several outputs gets one row). */
    public static LayerStats of(NDList list) {
        if (list == null || list.isEmpty()) return NONE;
        StringBuilder shapes = new StringBuilder();
        String dtype = null;
        String device = null;
        for (NDArray a : list) {
            if (shapes.length() > 0) shapes.append(", ");
            if (a.isReleased()) {
                shapes.append("<closed>");
                continue;
            }
            shapes.append(NDArrayFormat.shapeString(a.getShape()));
            String d = NDArrayFormat.dtypeName(a.getDataType());
            dtype = dtype == null || dtype.equals(d) ? d : "mixed";
            String dev = NDArrayFormat.deviceName(a.getDevice());
            device = device == null || device.equals(dev) ? dev : "mixed";
        }
        long count = 0;
        long nan = 0;
        long inf = 0;
        long zeros = 0;
        long finiteCount = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long[] histogram = new long[BINS];
        double sqDev = 0;
        try (NDScope ignored = new NDScope()) {
            List<NDArray> finite = new ArrayList<>();
            for (NDArray a : list) {
                if (a.isReleased() || !isNumeric(a.getDataType())) continue;
                NDArray x = a.getDataType() == DataType.FLOAT64 ? a : a.toType(DataType.FLOAT32, false);
                count += x.size();
                if (x.size() == 0) continue;
                NDArray nanMask = x.isNaN();
                NDArray infMask = x.isInfinite();
                nan += nanMask.countNonzero().getLong();
                inf += infMask.countNonzero().getLong();
                zeros += x.eq(0).countNonzero().getLong();
                NDArray f = x.booleanMask(nanMask.logicalOr(infMask).logicalNot());
                if (f.size() == 0) continue;
                finite.add(f);
                finiteCount += f.size();
                min = Math.min(min, number(f.min()));
                max = Math.max(max, number(f.max()));
                sum += number(f.toType(DataType.FLOAT64, false).sum());
            }
            if (finiteCount == 0) {
                return new LayerStats(shapes.toString(), nullToEmpty(dtype), nullToEmpty(device), count, nan, inf, zeros,
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN, new long[0]);
            }
            double mean = sum / finiteCount;
            double width = (max - min) / BINS;
            for (NDArray f : finite) {
                NDArray d64 = f.toType(DataType.FLOAT64, false);
                sqDev += number(d64.sub(mean).square().sum());
                // cumulative counts below each inner edge, then differences: BINS-1 reductions, no per-element copy
                long below = 0;
                for (int b = 1; b < BINS; b++) {
                    long n = width > 0 ? d64.lt(min + b * width).countNonzero().getLong() : f.size();
                    histogram[b - 1] += n - below;
                    below = n;
                }
                histogram[BINS - 1] += f.size() - below;
            }
            return new LayerStats(shapes.toString(), nullToEmpty(dtype), nullToEmpty(device), count, nan, inf, zeros,
                    min, max, mean, Math.sqrt(sqDev / finiteCount), histogram);
        }
    }

    private static boolean isNumeric(DataType t) {
        return t.isFloating() || t.isInteger() || t.isBoolean();
    }

    private static double number(NDArray scalar) {
        return scalar.toType(DataType.FLOAT64, false).getDouble();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Whether any element is NaN or infinite. */
    public boolean nonFinite() {
        return nanCount > 0 || infCount > 0;
    }

    public double zeroFraction() {
        return count == 0 ? Double.NaN : (double) zeroCount / count;
    }

    /** The JSON form the layer panel reads (NaN and infinities as strings, JSON has no numbers for them). */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", shapes);
        m.put("dtype", dtype);
        m.put("device", device);
        m.put("count", count);
        m.put("nan_count", nanCount);
        m.put("inf_count", infCount);
        m.put("zero_fraction", jsonNumber(zeroFraction()));
        m.put("min", jsonNumber(min));
        m.put("max", jsonNumber(max));
        m.put("mean", jsonNumber(mean));
        m.put("std", jsonNumber(std));
        List<Long> h = new ArrayList<>();
        for (long v : histogram) h.add(v);
        m.put("histogram", h);
        return m;
    }

    static Object jsonNumber(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        return v;
    }

    /** min/max/mean/std in 4 significant digits, "—" when there is no finite element. */
    String numbers() {
        if (Double.isNaN(mean)) return "— (no finite element)";
        return "min " + num(min) + " · max " + num(max) + " · mean " + num(mean) + " · std " + num(std);
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "—";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e5 ? String.format("%.4g", v) : String.format("%.3e", v);
    }
}
