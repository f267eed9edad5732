package io.djlkernel.djl.tensors;

import ai.djl.ndarray.NDArray;
import io.djlkernel.api.comm.Comm;
import io.djlkernel.api.comm.CommTarget;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@value #TARGET} comm target: the tensor viewer's axis picker asks for another 2-D slice of an array it
 * shows. A request, as the open data or as a message, is {@code {"id", "index": [i0, i1, ...], "rows_axis",
 * "cols_axis"}}; the answer is {@code {"id", "sample": {...}}} with the sample in the shape of the document's
 * {@code sample}, or {@code {"id", "error", "gone": true}} when the kernel no longer holds the array, or
 * {@code {"error"}} for a request that makes no sense. The comm stays open for more requests.
 */
public final class TensorComm implements CommTarget {
    public static final String TARGET = "djl.tensor";
    static final String GONE = "the kernel no longer holds this array (kernel restarted, array closed, or evicted "
            + "after " + TensorRefs.MAX + " newer displays): run its cell again to see other slices";
    private static final Logger LOG = Logger.getLogger(TensorComm.class.getName());

    // Not answersWhileBusy(): slicing an array that a running cell may be changing or closing is not safe, so
    // slice requests wait for the cell like any shell message.

    @Override
    public void opened(Comm comm, Map<String, Object> data) {
        comm.onMessage(msg -> comm.send(answer(msg)));
        // the viewer sends its first request as the open's data; an empty open waits for messages
        if (data != null && !data.isEmpty()) comm.send(answer(data));
    }

    /** The reply to one request. */
    static Map<String, Object> answer(Map<String, Object> request) {
        Map<String, Object> reply = new LinkedHashMap<>();
        Object id = request == null ? null : request.get("id");
        if (!(id instanceof String key)) {
            reply.put("error", "expected {\"id\", \"index\", \"rows_axis\", \"cols_axis\"}, got " + request);
            return reply;
        }
        reply.put("id", key);
        if (request.containsKey("seq")) reply.put("seq", request.get("seq"));
        NDArray array = TensorRefs.get(key);
        if (array == null) {
            reply.put("error", GONE);
            reply.put("gone", true);
            return reply;
        }
        try {
            int ndim = array.getShape().dimension();
            long[] index = index(request.get("index"), ndim);
            int rows = axis(request.get("rows_axis"), ndim - 2, "rows_axis");
            int cols = axis(request.get("cols_axis"), ndim - 1, "cols_axis");
            reply.put("sample", NDArrayRenderer.slice(array, index, rows, cols));
        } catch (IllegalArgumentException e) {
            reply.put("error", e.getMessage());
        } catch (RuntimeException e) {
            // closed by a cell between the lookup and the read
            if (array.isReleased()) {
                reply.put("error", GONE);
                reply.put("gone", true);
            } else {
                LOG.log(Level.WARNING, "slice of " + array.getShape() + " failed", e);
                reply.put("error", "the slice failed: " + e);
            }
        }
        return reply;
    }

    private static long[] index(Object value, int ndim) {
        long[] index = new long[ndim];
        if (value == null) return index;
        if (!(value instanceof List<?> list) || list.size() != ndim) {
            throw new IllegalArgumentException("index must be a list of " + ndim + " integers, got " + value);
        }
        for (int i = 0; i < ndim; i++) index[i] = integer(list.get(i), "index[" + i + "]");
        return index;
    }

    private static int axis(Object value, int fallback, String name) {
        return value == null ? fallback : (int) integer(value, name);
    }

    private static long integer(Object v, String name) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
        throw new IllegalArgumentException(name + " must be an integer, got " + v);
    }
}
