package io.djlkernel.djl.render;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** Image-shaped arrays (HWC / CHW with 1, 3 or 4 channels; 2-D uint8) as PNG, downsampled on the device. */
public final class ImageArrays {
    /** Longest side of a rendered picture; larger arrays are strided down before anything is copied. */
    static final int MAX_SIDE = 1024;
    static final int MIN_SIDE = 8;

    public enum Layout { HWC, CHW, HW }

    private ImageArrays() {
    }

    /** The layout when the shape and type look like a picture, else null. */
    public static Layout layout(Shape shape, DataType type) {
        if (type != DataType.UINT8 && !type.isFloating()) return null;
        long[] d = shape.getShape();
        if (d.length == 3) {
            if (isChannels(d[2]) && d[0] >= MIN_SIDE && d[1] >= MIN_SIDE) return Layout.HWC;
            if (isChannels(d[0]) && d[1] >= MIN_SIDE && d[2] >= MIN_SIDE) return Layout.CHW;
        }
        if (d.length == 2 && type == DataType.UINT8 && d[0] >= MIN_SIDE && d[1] >= MIN_SIDE) return Layout.HW;
        return null;
    }

    private static boolean isChannels(long c) {
        return c == 1 || c == 3 || c == 4;
    }

    /** A picture of the array, or null when it is not image-shaped or its values are not in [0,1] / [0,255]. */
    public static BufferedImage toImage(NDArray array) {
        Layout layout = layout(array.getShape(), array.getDataType());
        if (layout == null) return null;
        NDList temps = new NDList();
        try {
            long[] d = array.getShape().getShape();
            long h = layout == Layout.CHW ? d[1] : d[0];
            long w = layout == Layout.CHW ? d[2] : d[1];
            long step = Math.max(1, (Math.max(h, w) + MAX_SIDE - 1) / MAX_SIDE);
            NDArray small = array;
            if (step > 1) {
                NDIndex index = new NDIndex();
                if (layout == Layout.CHW) index.addAllDim();
                index.addSliceDim(0, h, step).addSliceDim(0, w, step);
                small = track(temps, array.get(index));
            }
            if (layout == Layout.CHW) small = track(temps, small.transpose(1, 2, 0));
            if (layout == Layout.HW) small = track(temps, small.expandDims(2));
            if (array.getDataType() != DataType.UINT8) {
                NDArray f = track(temps, small.toType(DataType.FLOAT32, false));
                float min = track(temps, f.min()).getFloat();
                float max = track(temps, f.max()).getFloat();
                if (!Float.isFinite(min) || !Float.isFinite(max) || min < 0 || max > 255) return null;
                if (max <= 1.0f) f = track(temps, f.mul(255f));
                small = track(temps, track(temps, f.round()).toType(DataType.UINT8, false));
            }
            long[] s = small.getShape().getShape();
            int height = (int) s[0];
            int width = (int) s[1];
            int channels = (int) s[2];
            byte[] bytes = small.toByteArray();
            int type = channels == 4 ? BufferedImage.TYPE_INT_ARGB
                    : channels == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY;
            BufferedImage image = new BufferedImage(width, height, type);
            if (channels == 1) {
                image.getRaster().setDataElements(0, 0, width, height, bytes);
                return image;
            }
            int[] pixels = new int[width * height];
            for (int i = 0, p = 0; i < pixels.length; i++, p += channels) {
                int r = bytes[p] & 0xff;
                int g = bytes[p + 1] & 0xff;
                int b = bytes[p + 2] & 0xff;
                int a = channels == 4 ? bytes[p + 3] & 0xff : 0xff;
                pixels[i] = (a << 24) | (r << 16) | (g << 8) | b;
            }
            image.setRGB(0, 0, width, height, pixels, 0, width);
            return image;
        } finally {
            for (NDArray t : temps) {
                if (t != array) t.close();
            }
        }
    }

    private static NDArray track(NDList temps, NDArray a) {
        temps.add(a);
        return a;
    }

    /** PNG bytes, base64, as Jupyter's image/png wants them. */
    public static String pngBase64(RenderedImage image) {
        return Base64.getEncoder().encodeToString(png(image));
    }

    public static byte[] png(RenderedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
