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
 * This is the hot path of {@code /predict}: common PNGs take {@link PngFastPath}, other images one ImageIO
 * reader per format and thread, fed in place (ImageIO.read caches each image in a temporary file and tries every
 * reader), and the resize writes straight into the tensor (Java2D's scaled drawImage made most of a request's
 * garbage, and the collections it caused were the latency tail).
 */
final class ImageInput {
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private ImageInput() {
    }

    private static final String NO_IMAGE = "no image in the request (send multipart/form-data with a file, or the image bytes)";

    static BufferedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) throw new BadRequest(NO_IMAGE);
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
        return tensor(name, java.util.Collections.singletonList(bytes), size);
    }

    /** Several images as [N, 3, size, size] FP32. */
    static HostTensor tensor(String name, List<byte[]> images, int size) {
        int plane = size * size;
        float[] out = new float[images.size() * 3 * plane];
        int base = 0;
        for (byte[] bytes : images) {
            if (bytes == null || bytes.length == 0) throw new BadRequest(NO_IMAGE);
            Pixels fast = PngFastPath.decode(bytes);
            resizeInto(fast != null ? fast : pixels(decode(bytes)), size, out, base);
            base += 3 * plane;
        }
        return new HostTensor(name, V2Type.FP32, new long[] {images.size(), 3, size, size}, out);
    }

    /** The image's pixels: in place for 3-byte BGR and 8-bit gray, else converted through getRGB (as RGBA). */
    static Pixels pixels(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        // gray stays R = G = B, as PIL's convert("RGB") does: getRGB would apply a gamma curve to it
        if (src.getType() == BufferedImage.TYPE_3BYTE_BGR || src.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] raw = bytesInPlace(src);
            if (raw != null) return new Pixels(w, h, src.getType() == BufferedImage.TYPE_BYTE_GRAY ? 1 : 3, src.getType() == BufferedImage.TYPE_3BYTE_BGR, raw);
        }
        int[] argb = src.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgba = new byte[argb.length * 4];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            rgba[4 * i] = (byte) (p >> 16);
            rgba[4 * i + 1] = (byte) (p >> 8);
            rgba[4 * i + 2] = (byte) p;
            rgba[4 * i + 3] = (byte) (p >>> 24);
        }
        return new Pixels(w, h, 4, false, rgba);
    }

    /**
     * Bilinear resize to size×size, normalised, written as three planes (R, G, B) at {@code at}. Transparent
     * pixels are composited over black.
     */
    static void resizeInto(Pixels src, int size, float[] out, int at) {
        int w = src.width();
        int plane = size * size;
        int[] x0 = new int[size];
        int[] x1 = new int[size];
        float[] fx = new float[size];
        axis(w, size, x0, x1, fx);
        int[] y0 = new int[size];
        int[] y1 = new int[size];
        float[] fy = new float[size];
        axis(src.height(), size, y0, y1, fy);
        byte[] d = src.data();
        int ch = src.channels();
        int r = ch < 3 ? 0 : src.bgr() ? 2 : 0;
        int g = ch < 3 ? 0 : 1;
        int b = ch < 3 ? 0 : src.bgr() ? 0 : 2;
        int alpha = src.hasAlpha() ? ch - 1 : -1;
        float[] taps = new float[12]; // r, g, b of the four neighbours
        for (int y = 0; y < size; y++) {
            int rowTop = y0[y] * w;
            int rowBottom = y1[y] * w;
            float ay = fy[y];
            for (int x = 0; x < size; x++) {
                tap(d, (rowTop + x0[x]) * ch, r, g, b, alpha, taps, 0);
                tap(d, (rowTop + x1[x]) * ch, r, g, b, alpha, taps, 3);
                tap(d, (rowBottom + x0[x]) * ch, r, g, b, alpha, taps, 6);
                tap(d, (rowBottom + x1[x]) * ch, r, g, b, alpha, taps, 9);
                float ax = fx[x];
                int i = at + y * size + x;
                for (int c = 0; c < 3; c++) {
                    float top = taps[c] + (taps[3 + c] - taps[c]) * ax;
                    float bottom = taps[6 + c] + (taps[9 + c] - taps[6 + c]) * ax;
                    out[c * plane + i] = ((top + (bottom - top) * ay) / 255f - MEAN[c]) / STD[c];
                }
            }
        }
    }

    private static void tap(byte[] d, int o, int r, int g, int b, int alpha, float[] taps, int t) {
        float a = alpha < 0 ? 1f : (d[o + alpha] & 0xff) / 255f;
        taps[t] = (d[o + r] & 0xff) * a;
        taps[t + 1] = (d[o + g] & 0xff) * a;
        taps[t + 2] = (d[o + b] & 0xff) * a;
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
