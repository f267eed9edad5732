package io.djlkernel.djl.serving;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.List;

/**
 * Image bytes to the classifier's input tensor, as DJL's image-classification translator prepares it: decode
 * (PNG, JPEG, GIF, BMP), resize to size×size (bilinear, pixel centres aligned as torch's
 * {@code interpolate(..., align_corners=False)}), scale to [0, 1], normalise with ImageNet's mean/std, CHW.
 * Per request this is the hot path of {@code /predict}: it decodes in memory with one reader per format and
 * thread (ImageIO.read caches each image in a temporary file and tries every reader) and resizes straight into
 * the tensor (Java2D's scaled drawImage allocated most of
 * a request's garbage, and the collections it caused were the latency tail).
 */
final class ImageInput {
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private ImageInput() {
    }

    static BufferedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) throw new BadRequest("no image in the request (send multipart/form-data with a file, or the image bytes)");
        BufferedImage img;
        try {
            String format = sniff(bytes);
            img = format != null ? read(format, bytes) : ImageIO.read(new ArrayImageInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new BadRequest("the body is not a readable image: " + e.getMessage());
        }
        if (img == null) throw new BadRequest("the body is not an image (PNG, JPEG, GIF or BMP expected)");
        return img;
    }

    /**
     * The common formats by their first bytes. ImageIO.read would ask every installed reader to look at the
     * header and make a new reader for each image; the request threads keep one reader per format instead.
     */
    static String sniff(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return "png";
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) return "jpeg";
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') return "gif";
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') return "bmp";
        return null;
    }

    private static final ThreadLocal<java.util.Map<String, javax.imageio.ImageReader>> READERS =
            ThreadLocal.withInitial(java.util.HashMap::new);

    private static BufferedImage read(String format, byte[] bytes) throws IOException {
        var readers = READERS.get();
        javax.imageio.ImageReader reader = readers.get(format);
        if (reader == null) {
            var found = ImageIO.getImageReadersByFormatName(format);
            if (!found.hasNext()) return ImageIO.read(new ArrayImageInputStream(bytes));
            reader = found.next();
            readers.put(format, reader);
        }
        boolean ok = false;
        try (ArrayImageInputStream in = new ArrayImageInputStream(bytes)) {
            reader.setInput(in, true, true);
            BufferedImage img = reader.read(0);
            ok = true;
            return img;
        } finally {
            if (ok) {
                reader.reset();
            } else {
                // a reader that failed half-way is not trusted with the next image
                readers.remove(format);
                reader.dispose();
            }
        }
    }

    /** An ImageInputStream over a byte array, read in place (ImageIO's own streams copy into a cache). */
    static final class ArrayImageInputStream extends javax.imageio.stream.ImageInputStreamImpl {
        private final byte[] data;

        ArrayImageInputStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            checkClosedQuietly();
            bitOffset = 0;
            return streamPos < data.length ? data[(int) streamPos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            checkClosedQuietly();
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            bitOffset = 0;
            if (len == 0) return 0;
            if (streamPos >= data.length) return -1;
            int n = (int) Math.min(len, data.length - streamPos);
            System.arraycopy(data, (int) streamPos, b, off, n);
            streamPos += n;
            return n;
        }

        @Override
        public long length() {
            return data.length;
        }

        private void checkClosedQuietly() {
            try {
                checkClosed();
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage());
            }
        }
    }

    /** One image as [1, 3, size, size] FP32. */
    static HostTensor tensor(String name, byte[] bytes, int size) {
        return tensor(name, List.of(bytes), size);
    }

    /** Several images as [N, 3, size, size] FP32. */
    static HostTensor tensor(String name, List<byte[]> images, int size) {
        int plane = size * size;
        float[] out = new float[images.size() * 3 * plane];
        int base = 0;
        for (byte[] bytes : images) {
            resizeInto(decode(bytes), size, out, base);
            base += 3 * plane;
        }
        return new HostTensor(name, V2Type.FP32, new long[] {images.size(), 3, size, size}, out);
    }

    /**
     * Bilinear resize of {@code src} to size×size, normalised, written as three planes (R, G, B) at {@code at}.
     * Transparent pixels are composited over black.
     */
    static void resizeInto(BufferedImage src, int size, float[] out, int at) {
        int w = src.getWidth();
        int h = src.getHeight();
        int plane = size * size;
        // 3-byte BGR (most PNGs and JPEGs) and 8-bit gray are read in place (gray as R = G = B, as PIL's
        // convert("RGB") does: getRGB would apply a gamma curve to it); anything else through getRGB
        byte[] raw = src.getType() == BufferedImage.TYPE_3BYTE_BGR || src.getType() == BufferedImage.TYPE_BYTE_GRAY
                ? bytesInPlace(src) : null;
        int channels = src.getType() == BufferedImage.TYPE_BYTE_GRAY ? 1 : 3;
        int[] argb = raw == null ? src.getRGB(0, 0, w, h, null, 0, w) : null;
        int[] x0 = new int[size];
        int[] x1 = new int[size];
        float[] fx = new float[size];
        axis(w, size, x0, x1, fx);
        int[] y0 = new int[size];
        int[] y1 = new int[size];
        float[] fy = new float[size];
        axis(h, size, y0, y1, fy);
        float[] c00 = new float[3];
        float[] c01 = new float[3];
        float[] c10 = new float[3];
        float[] c11 = new float[3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                pixel(raw, channels, argb, w, x0[x], y0[y], c00);
                pixel(raw, channels, argb, w, x1[x], y0[y], c01);
                pixel(raw, channels, argb, w, x0[x], y1[y], c10);
                pixel(raw, channels, argb, w, x1[x], y1[y], c11);
                float ax = fx[x];
                float ay = fy[y];
                int i = y * size + x;
                for (int c = 0; c < 3; c++) {
                    float top = c00[c] + (c01[c] - c00[c]) * ax;
                    float bottom = c10[c] + (c11[c] - c10[c]) * ax;
                    float v = top + (bottom - top) * ay;
                    out[at + c * plane + i] = (v / 255f - MEAN[c]) / STD[c];
                }
            }
        }
    }

    /** Source indices and weights along one axis (half-pixel centres, clamped at the edges). */
    private static void axis(int from, int to, int[] lo, int[] hi, float[] frac) {
        double scale = (double) from / to;
        for (int i = 0; i < to; i++) {
            double s = Math.max(0, (i + 0.5) * scale - 0.5);
            int l = Math.min((int) s, from - 1);
            lo[i] = l;
            hi[i] = Math.min(l + 1, from - 1);
            frac[i] = (float) (s - l);
        }
    }

    /** The image's own bytes when its raster is one plain bank starting at 0, else null. */
    private static byte[] bytesInPlace(BufferedImage src) {
        var raster = src.getRaster();
        return raster.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1 && db.getOffset() == 0
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && raster.getSampleModel() instanceof java.awt.image.ComponentSampleModel sm
                && sm.getScanlineStride() == src.getWidth() * sm.getPixelStride()
                ? db.getData() : null;
    }

    private static void pixel(byte[] raw, int channels, int[] argb, int w, int x, int y, float[] rgb) {
        if (raw != null && channels == 3) {
            int o = (y * w + x) * 3;
            rgb[0] = raw[o + 2] & 0xff;
            rgb[1] = raw[o + 1] & 0xff;
            rgb[2] = raw[o] & 0xff;
            return;
        }
        if (raw != null) {
            float v = raw[y * w + x] & 0xff;
            rgb[0] = v;
            rgb[1] = v;
            rgb[2] = v;
            return;
        }
        int p = argb[y * w + x];
        float alpha = ((p >>> 24) & 0xff) / 255f;
        rgb[0] = ((p >> 16) & 0xff) * alpha;
        rgb[1] = ((p >> 8) & 0xff) * alpha;
        rgb[2] = (p & 0xff) * alpha;
    }

    /** Softmax of one row of logits. */
    static double[] softmax(float[] logits, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[from + i]);
        double sum = 0;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[from + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }
}
