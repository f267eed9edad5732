package io.djlkernel.djl.tensors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * PyTorch's tensor repr for DJL arrays: the same number formatting (integer mode, fixed or scientific with
 * 4 digits, common width), the same line wrapping at 80 columns and the same elision (arrays over 1000
 * elements show 3 entries at each end of every axis), followed by device, dtype and shape. Reads only the
 * elements it shows (see {@link Corners}), so it is bounded in time whatever the array's size.
 */
public final class NDArrayFormat {
    static final int THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;
    static final int LINE_WIDTH = 80;
    static final int PRECISION = 4;
    private static final String PREFIX = "tensor(";

    private NDArrayFormat() {
    }

    /** {@code tensor([[1., 2.], [3., 4.]], device='cpu', dtype=float32, shape=(2, 2))}, PyTorch-style. */
    public static String repr(NDArray array) {
        if (array.isReleased()) return "tensor(<closed>)";
        Shape shape = array.getShape();
        String suffix = suffix(array);
        DataType type = array.getDataType();
        if (!isNumeric(type)) return PREFIX + "<" + type + " array>" + suffix;
        if (shape.size() == 0) return PREFIX + "[]" + suffix;
        boolean summarize = shape.size() > THRESHOLD;
        Corners corners = Corners.of(array, EDGE_ITEMS, summarize);
        ValueFormatter formatter = new ValueFormatter(corners);
        StringBuilder out = new StringBuilder(PREFIX);
        new Writer(corners, formatter, out).write(0, 0, PREFIX.length());
        return out.append(suffix).toString();
    }

    static boolean isNumeric(DataType type) {
        switch (type) {
            case FLOAT16: case BFLOAT16: case FLOAT32: case FLOAT64:
            case UINT8: case INT8: case INT16: case UINT16: case INT32: case UINT32: case INT64: case UINT64:
            case BOOLEAN:
                return true;
            default:
                return false;
        }
    }

    static String suffix(NDArray array) {
        StringBuilder sb = new StringBuilder();
        sb.append(", device='").append(deviceName(array.getDevice())).append('\'');
        sb.append(", dtype=").append(dtypeName(array.getDataType()));
        sb.append(", shape=").append(shapeString(array.getShape()));
        if (array.getName() != null && !array.getName().isEmpty()) {
            sb.append(", name='").append(array.getName()).append('\'');
        }
        return sb.append(')').toString();
    }

    /** PyTorch's device names: {@code cpu}, {@code cuda:0}. */
    public static String deviceName(Device device) {
        if (device == null) return "?";
        if (device.isGpu()) return "cuda:" + device.getDeviceId();
        if (Device.Type.CPU.equals(device.getDeviceType())) return "cpu";
        return device.toString();
    }

    /** Lower-case DJL type names: float32, int64, boolean, ... */
    public static String dtypeName(DataType type) {
        return type.toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** Python tuple form: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    public static String shapeString(Shape shape) {
        long[] dims = shape.getShape();
        if (dims.length == 1) return "(" + dims[0] + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        return sb.append(')').toString();
    }

    /** Writes nested brackets exactly as torch's {@code _tensor_str_with_formatter} does. */
    private static final class Writer {
        private final Corners c;
        private final ValueFormatter f;
        private final StringBuilder out;
        private final long[] strides;

        Writer(Corners c, ValueFormatter f, StringBuilder out) {
            this.c = c;
            this.f = f;
            this.out = out;
            int n = c.cornerShape.length;
            strides = new long[n];
            long s = 1;
            for (int i = n - 1; i >= 0; i--) {
                strides[i] = s;
                s *= c.cornerShape[i];
            }
        }

        void write(int axis, long offset, int indent) {
            int ndim = c.cornerShape.length;
            if (ndim == 0) {
                out.append(f.format(c, 0));
                return;
            }
            if (axis == ndim - 1) {
                vector(axis, offset, indent);
                return;
            }
            out.append('[');
            int n = (int) c.cornerShape[axis];
            int remaining = ndim - axis;
            String separator = "," + "\n".repeat(remaining - 1) + " ".repeat(indent + 1);
            for (int i = 0; i < n; i++) {
                if (i > 0) out.append(separator);
                if (c.elided[axis] && i == c.edge) out.append("...").append(separator);
                write(axis + 1, offset + i * strides[axis], indent + 1);
            }
            out.append(']');
        }

        private void vector(int axis, long offset, int indent) {
            int n = (int) c.cornerShape[axis];
            int perLine = Math.max(1, (LINE_WIDTH - indent) / (f.width() + 2));
            String lineBreak = ",\n" + " ".repeat(indent + 1);
            out.append('[');
            int onLine = 0;
            int count = n + (c.elided[axis] ? 1 : 0);
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (c.elided[axis] && i == c.edge) {
                    onLine = element(" ...", onLine, perLine, lineBreak, k++ == 0);
                }
                onLine = element(f.format(c, offset + i), onLine, perLine, lineBreak, k++ == 0);
            }
            assert k == count;
            out.append(']');
        }

        private int element(String text, int onLine, int perLine, String lineBreak, boolean first) {
            if (!first) {
                if (onLine == perLine) {
                    out.append(lineBreak);
                    onLine = 0;
                } else {
                    out.append(", ");
                }
            }
            out.append(text);
            return onLine + 1;
        }
    }

    /** torch's {@code _Formatter}: one mode and one width for all shown values. */
    static final class ValueFormatter {
        private final boolean floating;
        private boolean intMode = true;
        private boolean sciMode;
        private int maxWidth = 1;

        ValueFormatter(Corners c) {
            floating = c.isFloating();
            if (c.isBoolean()) {
                for (boolean b : c.booleans) maxWidth = Math.max(maxWidth, b ? 4 : 5);
                return;
            }
            if (!floating) {
                for (long v : c.longs) maxWidth = Math.max(maxWidth, Long.toString(v).length());
                return;
            }
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            int nonzeroFinite = 0;
            for (double v : c.doubles) {
                if (!Double.isFinite(v) || v == 0) continue;
                nonzeroFinite++;
                double a = Math.abs(v);
                min = Math.min(min, a);
                max = Math.max(max, a);
                if (v != Math.ceil(v)) intMode = false;
            }
            if (nonzeroFinite == 0) return;
            if (intMode) {
                sciMode = max / min > 1000.0 || max > 1.0e8;
            } else {
                sciMode = max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4;
            }
            for (double v : c.doubles) {
                if (!Double.isFinite(v) || v == 0) continue;
                int width = sciMode ? sci(v).length() : intMode ? fixed(v, 0).length() + 1 : fixed(v, PRECISION).length();
                maxWidth = Math.max(maxWidth, width);
            }
        }

        int width() {
            return maxWidth;
        }

        String format(Corners c, long index) {
            String s = raw(c, (int) index);
            return s.length() >= maxWidth ? s : " ".repeat(maxWidth - s.length()) + s;
        }

        /** The value without padding (for tables). */
        String raw(Corners c, int i) {
            if (c.isBoolean()) return c.booleans[i] ? "True" : "False";
            if (!floating) return Long.toString(c.longs[i]);
            double v = c.doubles[i];
            if (sciMode) return sci(v);
            if (intMode) {
                String s = fixed(v, 0);
                return Double.isFinite(v) ? s + "." : s;
            }
            return fixed(v, PRECISION);
        }
    }

    /** Python's {@code f"{v:.{digits}f}"}: exact binary value, rounded half to even. */
    static String fixed(double v, int digits) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String s = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = v < 0 || (v == 0 && 1 / v < 0);
        if (negative && !s.startsWith("-")) s = "-" + s;
        return s;
    }

    /** Python's {@code f"{v:.4e}"}: {@code 1.2346e+03}. */
    static String sci(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        boolean negative = v < 0 || (v == 0 && 1 / v < 0);
        String mantissa;
        int exponent;
        if (v == 0) {
            mantissa = "0." + "0".repeat(PRECISION);
            exponent = 0;
        } else {
            BigDecimal rounded = new BigDecimal(Math.abs(v)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
            String digits = rounded.unscaledValue().toString();
            exponent = digits.length() - 1 - rounded.scale();
            StringBuilder d = new StringBuilder(digits);
            while (d.length() < PRECISION + 1) d.append('0');
            mantissa = d.charAt(0) + "." + d.substring(1, PRECISION + 1);
        }
        String exp = (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        return (negative ? "-" : "") + mantissa + "e" + exp;
    }
}
