package io.djlkernel.djl.serving;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * Image bytes to the classifier's input tensor, as DJL's image-classification translator prepares it: decode
 * (PNG, JPEG, GIF, BMP), resize to size×size (bilinear), scale to [0, 1], normalise with ImageNet's mean/std, CHW.
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
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new BadRequest("the body is not a readable image: " + e.getMessage());
        }
        if (img == null) throw new BadRequest("the body is not an image (PNG, JPEG, GIF or BMP expected)");
        return img;
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
            BufferedImage src = decode(bytes);
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(src, 0, 0, size, size, null);
            g.dispose();
            int[] px = img.getRGB(0, 0, size, size, null, 0, size);
            for (int i = 0; i < plane; i++) {
                int p = px[i];
                out[base + i] = (((p >> 16) & 0xff) / 255f - MEAN[0]) / STD[0];
                out[base + plane + i] = (((p >> 8) & 0xff) / 255f - MEAN[1]) / STD[1];
                out[base + 2 * plane + i] = ((p & 0xff) / 255f - MEAN[2]) / STD[2];
            }
            base += 3 * plane;
        }
        return new HostTensor(name, V2Type.FP32, new long[] {images.size(), 3, size, size}, out);
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
