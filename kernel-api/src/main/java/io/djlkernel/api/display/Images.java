package io.djlkernel.api.display;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.RenderedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Encodes images for display: a {@link RenderedImage} becomes PNG, encoded bytes are recognised by their magic
 * numbers (PNG, JPEG, GIF). Each bundle carries a short text/plain and the image's width and height as
 * Jupyter's per-MIME-type metadata ({@code {"image/png": {"width": 640, "height": 480}}}).
 */
public final class Images {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private Images() {
    }

    /** The image as image/png (base64), with text/plain like {@code <BufferedImage 640x480>}. */
    public static MimeBundle toBundle(RenderedImage image) {
        Objects.requireNonNull(image, "image is null");
        MimeBundle bundle = MimeBundle.of(MimeBundle.IMAGE_PNG, Base64.getEncoder().encodeToString(png(image)));
        bundle.put(MimeBundle.TEXT_PLAIN, describe(image));
        bundle.putMetadata(MimeBundle.IMAGE_PNG, size(image.getWidth(), image.getHeight()));
        return bundle;
    }

    /**
     * Already encoded image bytes, shown as what their first bytes say they are: PNG, JPEG or GIF.
     *
     * @throws IllegalArgumentException for null, empty or any other content
     */
    public static MimeBundle toBundle(byte[] encoded) {
        if (encoded == null) throw new IllegalArgumentException("image bytes are null");
        if (encoded.length == 0) throw new IllegalArgumentException("image bytes are empty");
        String mime = sniff(encoded);
        if (mime == null) {
            throw new IllegalArgumentException("not a PNG, JPEG or GIF image (" + encoded.length + " bytes, starting "
                    + hex(encoded, 8) + "); encode it first, e.g. with javax.imageio.ImageIO.write");
        }
        MimeBundle bundle = MimeBundle.of(mime, Base64.getEncoder().encodeToString(encoded));
        int[] size = dimensions(mime, encoded);
        String format = mime.substring("image/".length()).toUpperCase(java.util.Locale.ROOT);
        bundle.put(MimeBundle.TEXT_PLAIN, size == null
                ? "<" + format + " image, " + encoded.length + " bytes>"
                : "<" + format + " image " + size[0] + "x" + size[1] + ", " + encoded.length + " bytes>");
        if (size != null) bundle.putMetadata(mime, size(size[0], size[1]));
        return bundle;
    }

    /** A one-line description: {@code <BufferedImage 640x480>}. Cheap: no pixels are read. */
    public static String describe(RenderedImage image) {
        return "<" + image.getClass().getSimpleName() + " " + image.getWidth() + "x" + image.getHeight() + ">";
    }

    /** The MIME type that {@code bytes} start like (image/png, image/jpeg, image/gif), or null. */
    public static String sniff(byte[] bytes) {
        if (startsWith(bytes, PNG_MAGIC)) return MimeBundle.IMAGE_PNG;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && (bytes[2] & 0xFF) == 0xFF) {
            return MimeBundle.IMAGE_JPEG;
        }
        if (startsWith(bytes, "GIF87a".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                || startsWith(bytes, "GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            return MimeBundle.IMAGE_GIF;
        }
        return null;
    }

    /** PNG bytes of any RenderedImage; images whose colour model PNG cannot store are converted to ARGB. */
    static byte[] png(RenderedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (ImageIO.write(image, "png", out)) return out.toByteArray();
            out.reset();
            if (!ImageIO.write(toArgb(image), "png", out)) {
                throw new IllegalArgumentException("cannot encode " + describe(image) + " as PNG");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage toArgb(RenderedImage image) {
        BufferedImage source;
        if (image instanceof BufferedImage) {
            source = (BufferedImage) image;
        } else {
            ColorModel cm = image.getColorModel();
            WritableRaster raster = cm.createCompatibleWritableRaster(image.getWidth(), image.getHeight());
            image.copyData(raster);
            source = new BufferedImage(cm, raster, cm.isAlphaPremultiplied(), null);
        }
        BufferedImage argb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = argb.createGraphics();
        try {
            g.drawImage(source, 0, 0, null);
        } finally {
            g.dispose();
        }
        return argb;
    }

    private static Map<String, Object> size(int width, int height) {
        Map<String, Object> size = new LinkedHashMap<>();
        size.put("width", width);
        size.put("height", height);
        return size;
    }

    /** Width and height read from the header, or null when the header does not say (truncated data). */
    private static int[] dimensions(String mime, byte[] b) {
        switch (mime) {
            case MimeBundle.IMAGE_PNG:
                // signature (8), IHDR length (4) and type (4), then width and height, big-endian
                if (b.length < 24) return null;
                return new int[] {be32(b, 16), be32(b, 20)};
            case MimeBundle.IMAGE_GIF:
                if (b.length < 10) return null;
                return new int[] {(b[6] & 0xFF) | (b[7] & 0xFF) << 8, (b[8] & 0xFF) | (b[9] & 0xFF) << 8};
            case MimeBundle.IMAGE_JPEG:
                return jpegDimensions(b);
            default:
                return null;
        }
    }

    /** Walks the JPEG segments to the first start-of-frame marker, which holds height and width. */
    private static int[] jpegDimensions(byte[] b) {
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) return null;
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no length
                i += 2;
                continue;
            }
            int length = (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (startOfFrame) {
                if (i + 8 >= b.length) return null;
                int height = (b[i + 5] & 0xFF) << 8 | (b[i + 6] & 0xFF);
                int width = (b[i + 7] & 0xFF) << 8 | (b[i + 8] & 0xFF);
                return new int[] {width, height};
            }
            if (length < 2) return null;
            i += 2 + length;
        }
        return null;
    }

    private static int be32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) return false;
        }
        return true;
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(max, bytes.length); i++) {
            if (i > 0) sb.append(' ');
            sb.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return sb.toString();
    }
}
