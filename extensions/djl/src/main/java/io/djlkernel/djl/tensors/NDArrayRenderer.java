package io.djlkernel.djl.tensors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.Renderer;
import io.djlkernel.djl.render.ImageArrays;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An NDArray in every form a notebook shows: PyTorch-style text, an HTML table (1-D/2-D), a PNG (image shapes)
 * and {@value #MIME_JSON} for the JupyterLab tensor viewer. Every form reads a bounded part of the array;
 * statistics are reductions on the array's own device.
 */
public final class NDArrayRenderer implements Renderer<NDArray> {
    public static final String MIME_JSON = "application/vnd.djl.ndarray+json";
    /** The JSON sample: at most this many rows and columns of the leading 2-D slice. */
    static final int SAMPLE = 64;
    /** HTML tables show this many rows/columns at each end of a longer axis. */
    static final int HTML_EDGE = 10;
    /** Above this many elements, std comes from a strided sample of about this size (the rest stays exact). */
    static final long EXACT_STATS_LIMIT = 1L << 20;

    private static final Logger LOG = Logger.getLogger(NDArrayRenderer.class.getName());

    @Override
    public void render(NDArray array, MimeBundle out) {
        if (array.isReleased()) {
            out.put(MimeBundle.TEXT_PLAIN, "tensor(<closed: its NDManager was closed>)");
            return;
        }
        out.put(MimeBundle.TEXT_PLAIN, NDArrayFormat.repr(array));
        if (!NDArrayFormat.isNumeric(array.getDataType())) return;
        try {
            String html = html(array);
            if (html != null) out.put(MimeBundle.TEXT_HTML, html);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "html rendering failed", e);
        }
        try {
            BufferedImage image = ImageArrays.toImage(array);
            if (image != null) out.put(MimeBundle.IMAGE_PNG, ImageArrays.pngBase64(image));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "png rendering failed", e);
        }
        try {
            Map<String, Object> doc = json(array);
            // the viewer asks for other slices by this id (djl.tensor comm): the axis picker of N-D arrays, and
            // the row/column paging of matrices larger than one window
            if (hasOtherSlices(array) && doc.containsKey("sample")) doc.put("id", TensorRefs.register(array));
            out.put(MIME_JSON, doc);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "json rendering failed", e);
        }
    }

    /** A table of a 1-D or 2-D array (10 rows/columns at each end of longer axes), or null for other ranks. */
    public static String html(NDArray array) {
        Shape shape = array.getShape();
        int ndim = shape.dimension();
        if (ndim < 1 || ndim > 2 || shape.size() == 0) return null;
        Corners c = Corners.of(array, HTML_EDGE, true);
        NDArrayFormat.ValueFormatter f = new NDArrayFormat.ValueFormatter(c);
        int rows = ndim == 1 ? 1 : (int) c.cornerShape[0];
        int cols = (int) c.cornerShape[ndim - 1];
        boolean rowsElided = ndim == 2 && c.elided[0];
        boolean colsElided = c.elided[ndim - 1];
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<div class=\"djl-ndarray\"><div style=\"font-family:monospace;font-size:90%;color:#666\">")
                .append(escape(caption(array))).append("</div>")
                .append("<table style=\"font-family:monospace;font-size:90%;text-align:right\"><thead><tr><th></th>");
        for (int j = 0; j < cols; j++) {
            if (colsElided && j == c.edge) sb.append("<th>…</th>");
            sb.append("<th>").append(c.fullIndex(ndim - 1, j)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (int i = 0; i < rows; i++) {
            if (rowsElided && i == c.edge) {
                sb.append("<tr><th>⋮</th>");
                for (int j = 0; j < cols + (colsElided ? 1 : 0); j++) sb.append("<td>⋮</td>");
                sb.append("</tr>");
            }
            sb.append("<tr><th>").append(ndim == 1 ? "" : Long.toString(c.fullIndex(0, i))).append("</th>");
            for (int j = 0; j < cols; j++) {
                if (colsElided && j == c.edge) sb.append("<td>…</td>");
                sb.append("<td>").append(escape(f.raw(c, i * cols + j))).append("</td>");
            }
            sb.append("</tr>");
        }
        return sb.append("</tbody></table></div>").toString();
    }

    static String caption(NDArray array) {
        return "shape " + NDArrayFormat.shapeString(array.getShape()) + " · "
                + NDArrayFormat.dtypeName(array.getDataType()) + " · " + NDArrayFormat.deviceName(array.getDevice());
    }

    static boolean hasOtherSlices(NDArray array) {
        long[] d = array.getShape().getShape();
        return d.length >= 3 || (d.length == 2 && (d[0] > SAMPLE || d[1] > SAMPLE));
    }

    /** The {@value #MIME_JSON} document: shape, dtype, device, a bounded sample and statistics. */
    public static Map<String, Object> json(NDArray array) {
        Map<String, Object> doc = new LinkedHashMap<>();
        Shape shape = array.getShape();
        List<Long> dims = new ArrayList<>();
        for (long d : shape.getShape()) dims.add(d);
        Device device = array.getDevice();
        doc.put("version", 1);
        doc.put("shape", dims);
        doc.put("dtype", NDArrayFormat.dtypeName(array.getDataType()));
        doc.put("device", device.toString());
        doc.put("device_type", device.isGpu() ? "gpu" : "cpu");
        doc.put("device_id", device.getDeviceId());
        doc.put("numel", shape.size());
        if (array.getName() != null) doc.put("name", array.getName());
        ImageArrays.Layout layout = ImageArrays.layout(shape, array.getDataType());
        if (layout != null) doc.put("image_layout", layout.name());
        if (shape.size() > 0) {
            doc.put("sample", sample(array));
            doc.put("stats", stats(array));
        }
        return doc;
    }

    /** The leading 2-D slice ({@code [0, ..., 0, :64, :64]}) as nested lists; 1-D and 0-D arrays as flat lists. */
    static Map<String, Object> sample(NDArray array) {
        int ndim = array.getShape().dimension();
        if (ndim >= 2) return slice(array, new long[ndim], ndim - 2, ndim - 1);
        long cols = ndim == 1 ? Math.min(SAMPLE, array.getShape().get(0)) : 1;
        NDList temps = new NDList();
        try {
            NDArray part = ndim == 0 ? array : track(temps, array.get(new NDIndex().addSliceDim(0, cols)));
            Corners c = Corners.of(part, SAMPLE, false);
            List<Object> data = new ArrayList<>();
            for (int k = 0; k < c.size(); k++) data.add(value(c, k));
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("offset", ndim == 0 ? List.of() : List.of(0L));
            sample.put("shape", ndim == 1 ? List.of(cols) : List.of());
            sample.put("data", data);
            sample.put("truncated", array.getShape().size() > cols);
            return sample;
        } finally {
            for (NDArray t : temps) {
                if (t != array) t.close();
            }
        }
    }

    /**
     * A window of at most 64×64 of the 2-D plane with {@code rowsAxis} down and {@code colsAxis} across, every
     * other axis fixed at its {@code index}; {@code index[rowsAxis]} and {@code index[colsAxis]} are where the
     * window starts. Rows are nested lists; {@code offset} is the full index of the window's first element.
     *
     * @throws IllegalArgumentException for axes or indices outside the array
     */
    static Map<String, Object> slice(NDArray array, long[] index, int rowsAxis, int colsAxis) {
        long[] d = array.getShape().getShape();
        int ndim = d.length;
        if (ndim < 2) throw new IllegalArgumentException("a " + ndim + "-D array has no 2-D slices");
        if (index.length != ndim) throw new IllegalArgumentException("index must have " + ndim + " entries, got " + index.length);
        checkAxis(rowsAxis, ndim, "rows_axis");
        checkAxis(colsAxis, ndim, "cols_axis");
        if (rowsAxis == colsAxis) throw new IllegalArgumentException("rows_axis and cols_axis must differ (both " + rowsAxis + ")");
        for (int k = 0; k < ndim; k++) {
            if (index[k] < 0 || index[k] >= d[k]) {
                throw new IllegalArgumentException("index " + index[k] + " is out of range for axis " + k + " of size " + d[k]);
            }
        }
        long rows = Math.min(SAMPLE, d[rowsAxis] - index[rowsAxis]);
        long cols = Math.min(SAMPLE, d[colsAxis] - index[colsAxis]);
        NDIndex at = new NDIndex();
        for (int k = 0; k < ndim; k++) {
            if (k == rowsAxis) at.addSliceDim(index[k], index[k] + rows);
            else if (k == colsAxis) at.addSliceDim(index[k], index[k] + cols);
            else at.addIndices(index[k]);
        }
        NDList temps = new NDList();
        try {
            NDArray plane = track(temps, array.get(at));
            // the kept axes come out in axis order: rows after columns means the plane is the transpose
            if (rowsAxis > colsAxis) plane = track(temps, plane.transpose());
            Corners c = Corners.of(plane, SAMPLE, false);
            List<Object> data = new ArrayList<>((int) rows);
            for (int r = 0; r < rows; r++) {
                List<Object> row = new ArrayList<>((int) cols);
                for (int k = 0; k < cols; k++) row.add(value(c, (int) (r * cols + k)));
                data.add(row);
            }
            List<Long> offset = new ArrayList<>(ndim);
            for (long i : index) offset.add(i);
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("offset", offset);
            sample.put("shape", List.of(rows, cols));
            sample.put("rows_axis", rowsAxis);
            sample.put("cols_axis", colsAxis);
            sample.put("data", data);
            sample.put("truncated", array.getShape().size() > rows * cols);
            return sample;
        } finally {
            for (NDArray t : temps) {
                if (t != array) t.close();
            }
        }
    }

    private static void checkAxis(int axis, int ndim, String name) {
        if (axis < 0 || axis >= ndim) throw new IllegalArgumentException(name + " " + axis + " is not an axis of a " + ndim + "-D array");
    }

    private static Object value(Corners c, int i) {
        if (c.isBoolean()) return c.booleans[i];
        if (!c.isFloating()) return c.longs[i];
        return jsonNumber(c.doubles[i]);
    }

    /** JSON has no NaN/Infinity: those become the strings "NaN", "Infinity", "-Infinity". */
    static Object jsonNumber(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        return v;
    }

    /**
     * min, max, mean, std (unbiased, as torch.std), NaN and Inf counts: reductions on the array's device. One sum
     * decides the non-finite counts (a finite sum means there are none; only otherwise are they counted, which is
     * slow); min/max/mean are exact (NaN left out); above {@value #EXACT_STATS_LIMIT} elements std comes from a
     * strided sample ({@code "std_sampled": true}).
     */
    static Map<String, Object> stats(NDArray array) {
        Map<String, Object> stats = new LinkedHashMap<>();
        NDList temps = new NDList();
        try {
            DataType type = array.getDataType();
            long n = array.getShape().size();
            NDArray values = track(temps, array.flatten());
            if (type == DataType.BOOLEAN) values = track(temps, values.toType(DataType.INT32, false));
            if (type == DataType.FLOAT16 || type == DataType.BFLOAT16) values = track(temps, values.toType(DataType.FLOAT32, false));
            long nanCount = 0;
            long infCount = 0;
            double sum = toDouble(track(temps, values.sum()));
            if (type.isFloating() && !Double.isFinite(sum)) {
                NDArray nan = track(temps, values.isNaN());
                nanCount = toLong(track(temps, nan.countNonzero()));
                infCount = toLong(track(temps, track(temps, values.isInfinite()).countNonzero()));
                if (nanCount > 0) {
                    values = track(temps, values.get(track(temps, nan.logicalNot())));
                    sum = toDouble(track(temps, values.sum()));
                }
            }
            stats.put("count", n);
            stats.put("nan_count", nanCount);
            stats.put("inf_count", infCount);
            long count = values.getShape().size();
            if (count == 0) return stats;
            stats.put("min", number(track(temps, values.min())));
            stats.put("max", number(track(temps, values.max())));
            stats.put("mean", jsonNumber(sum / count));
            if (count > 1) {
                NDArray forStd = values;
                boolean sampled = count > EXACT_STATS_LIMIT;
                if (sampled) {
                    long step = (count + EXACT_STATS_LIMIT - 1) / EXACT_STATS_LIMIT;
                    forStd = track(temps, values.get(new NDIndex().addSliceDim(0, count, step)));
                }
                if (!forStd.getDataType().isFloating()) forStd = track(temps, forStd.toType(DataType.FLOAT64, false));
                long m = forStd.getShape().size();
                NDArray mean = track(temps, forStd.mean());
                NDArray sq = track(temps, track(temps, forStd.sub(mean)).square());
                double var = toDouble(track(temps, sq.sum())) / (m - 1);
                stats.put("std", jsonNumber(Math.sqrt(var)));
                stats.put("std_sampled", sampled);
                if (sampled) stats.put("std_sample_size", m);
            }
            return stats;
        } finally {
            for (NDArray t : temps) {
                if (t != array) t.close();
            }
        }
    }

    private static double toDouble(NDArray scalar) {
        try (NDArray d = scalar.toType(DataType.FLOAT64, false)) {
            return d.getDouble();
        }
    }

    private static long toLong(NDArray scalar) {
        try (NDArray d = scalar.toType(DataType.INT64, false)) {
            return d.getLong();
        }
    }

    private static Object number(NDArray scalar) {
        DataType t = scalar.getDataType();
        if (t.isFloating()) {
            try (NDArray d = scalar.toType(DataType.FLOAT64, false)) {
                return jsonNumber(d.getDouble());
            }
        }
        try (NDArray l = scalar.toType(DataType.INT64, false)) {
            return l.getLong();
        }
    }

    private static NDArray track(NDList temps, NDArray a) {
        temps.add(a);
        return a;
    }

    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '&': sb.append("&amp;"); break;
                case '"': sb.append("&quot;"); break;
                default: sb.append(ch);
            }
        }
        return sb.toString();
    }
}
