package io.djlkernel.djl.render;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.output.BoundingBox;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.modality.cv.output.Rectangle;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.api.display.RendererRegistry;
import io.djlkernel.djl.debug.LayerReport;
import io.djlkernel.djl.devices.GpuReading;
import io.djlkernel.djl.devices.GpuStatus;
import io.djlkernel.djl.tensors.MemoryMagic;
import io.djlkernel.djl.tensors.NDArrayFormat;
import io.djlkernel.djl.tensors.NDArrayRenderer;
import io.djlkernel.djl.tensors.NotebookManagers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/** Registers the renderers for DJL's types. */
public final class DjlRenderers {
    static final int MAX_LIST = 20;

    private DjlRenderers() {
    }

    public static void registerAll(RendererRegistry registry) {
        registry.register(NDArray.class, new NDArrayRenderer());
        registry.register(NDList.class, DjlRenderers::ndList);
        registry.register(Shape.class, (s, out) -> out.put(MimeBundle.TEXT_PLAIN, "Shape" + NDArrayFormat.shapeString(s)));
        registry.register(DataType.class, (t, out) -> out.put(MimeBundle.TEXT_PLAIN, NDArrayFormat.dtypeName(t)));
        registry.register(Device.class, DjlRenderers::device);
        registry.register(NDManager.class, DjlRenderers::manager);
        registry.register(Image.class, DjlRenderers::image);
        registry.register(Classifications.class, DjlRenderers::classifications);
        registry.register(DetectedObjects.class, DjlRenderers::detected);
        registry.register(Block.class, (b, out) -> BlockSummary.of(b).render(out));
        registry.register(Model.class, (m, out) -> BlockSummary.of(m).render(out));
        registry.register(Report.class, Report::render);
        registry.register(LayerReport.class, LayerReport::render);
    }

    static void ndList(NDList list, MimeBundle out) {
        StringBuilder sb = new StringBuilder("NDList(").append(list.size()).append(" arrays)");
        int i = 0;
        for (NDArray a : list) {
            if (i++ == MAX_LIST) {
                sb.append("\n  …");
                break;
            }
            sb.append("\n  ").append(a.getName() == null ? "" : a.getName() + ": ")
                    .append(a.isReleased() ? "<closed>" : NDArrayFormat.shapeString(a.getShape()) + " "
                            + NDArrayFormat.dtypeName(a.getDataType()) + " " + NDArrayFormat.deviceName(a.getDevice()));
        }
        out.put(MimeBundle.TEXT_PLAIN, sb.toString());
    }

    static void device(Device d, MimeBundle out) {
        String text = d.toString();
        if (d.isGpu()) {
            for (GpuReading g : GpuStatus.readings()) {
                if (g.index() == d.getDeviceId()) {
                    text += "  " + g.name() + ", " + g.memoryText() + " used";
                    break;
                }
            }
        }
        out.put(MimeBundle.TEXT_PLAIN, text);
    }

    static void manager(NDManager m, MimeBundle out) {
        String text;
        if (!m.isOpen()) {
            text = "NDManager " + m.getName() + " (closed)";
        } else {
            NotebookManagers.Census c = NotebookManagers.Census.of(List.of(m));
            text = "NDManager " + NotebookManagers.Census.label(m) + ": " + c.arrays + " arrays, "
                    + MemoryMagic.bytes(c.bytes) + (c.managers > 1 ? ", " + (c.managers - 1) + " sub-managers" : "");
        }
        out.put(MimeBundle.TEXT_PLAIN, text);
    }

    static void image(Image image, MimeBundle out) {
        out.put(MimeBundle.TEXT_PLAIN, "Image(" + image.getWidth() + "x" + image.getHeight() + ")");
        try {
            Object wrapped = image.getWrappedImage();
            if (wrapped instanceof java.awt.image.RenderedImage) {
                out.put(MimeBundle.IMAGE_PNG, ImageArrays.pngBase64((java.awt.image.RenderedImage) wrapped));
            } else {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                image.save(bytes, "png");
                out.put(MimeBundle.IMAGE_PNG, Base64.getEncoder().encodeToString(bytes.toByteArray()));
            }
        } catch (IOException | RuntimeException ignored) {
            // text only
        }
    }

    static void classifications(Classifications c, MimeBundle out) {
        List<Classifications.Classification> top = c.topK(Math.min(MAX_LIST, c.getClassNames().size()));
        StringBuilder text = new StringBuilder("Classifications (top ").append(top.size()).append(" of ")
                .append(c.getClassNames().size()).append(")");
        StringBuilder html = new StringBuilder("<table class=\"djl-classifications\"><thead><tr><th>class</th>"
                + "<th>probability</th><th></th></tr></thead><tbody>");
        for (Classifications.Classification item : top) {
            text.append(String.format("%n  %-30s %.4f", item.getClassName(), item.getProbability()));
            int w = (int) Math.round(Math.max(0, Math.min(1, item.getProbability())) * 200);
            html.append("<tr><td style=\"text-align:left\">").append(NDArrayRenderer.escape(item.getClassName()))
                    .append("</td><td>").append(String.format("%.4f", item.getProbability()))
                    .append("</td><td style=\"text-align:left\"><div style=\"background:#1f77b4;height:10px;width:")
                    .append(w).append("px\"></div></td></tr>");
        }
        out.put(MimeBundle.TEXT_PLAIN, text.toString());
        out.put(MimeBundle.TEXT_HTML, html.append("</tbody></table>").toString());
    }

    static void detected(DetectedObjects d, MimeBundle out) {
        int n = d.getNumberOfObjects();
        StringBuilder text = new StringBuilder("DetectedObjects (").append(n).append(")");
        StringBuilder html = new StringBuilder("<table class=\"djl-detections\"><thead><tr><th>class</th>"
                + "<th>probability</th><th>x</th><th>y</th><th>width</th><th>height</th></tr></thead><tbody>");
        for (int i = 0; i < Math.min(n, MAX_LIST * 5); i++) {
            DetectedObjects.DetectedObject o = d.item(i);
            BoundingBox box = o.getBoundingBox();
            Rectangle r = box.getBounds();
            text.append(String.format("%n  %-24s %.4f  [x=%.3f, y=%.3f, w=%.3f, h=%.3f]", o.getClassName(),
                    o.getProbability(), r.getX(), r.getY(), r.getWidth(), r.getHeight()));
            html.append("<tr><td style=\"text-align:left\">").append(NDArrayRenderer.escape(o.getClassName()))
                    .append(String.format("</td><td>%.4f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>",
                            o.getProbability(), r.getX(), r.getY(), r.getWidth(), r.getHeight()));
        }
        out.put(MimeBundle.TEXT_PLAIN, text.toString());
        out.put(MimeBundle.TEXT_HTML, html.append("</tbody></table>").toString());
    }
}
