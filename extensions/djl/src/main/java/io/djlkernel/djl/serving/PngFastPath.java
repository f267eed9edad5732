package io.djlkernel.djl.serving;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNGs clients send most (8-bit gray, gray+alpha, RGB or RGBA, not interlaced, no transparency key)
 * straight into {@link Pixels}: inflate the image data, undo the row filters. Everything else returns null and
 * goes through ImageIO. Colour profiles and gamma are not applied, as ImageIO's reader and PIL's {@code open}
 * do not apply them either. ImageIO's PNG reader copied every decoded row through a generic raster path, which
 * made decoding most of {@code /predict}'s CPU time.
 */
final class PngFastPath {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** Larger images take ImageIO's path (its own limits and errors). */
    static final long MAX_PIXELS = 64L << 20;
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

    private PngFastPath() {
    }

    /** The pixels, or null when this is not a PNG this path decodes. A damaged PNG is a BadRequest. */
    static Pixels decode(byte[] png) {
        if (png.length < 33) return null;
        for (int i = 0; i < SIGNATURE.length; i++) if (png[i] != SIGNATURE[i]) return null;
        int at = 8;
        if (int32(png, at) != 13 || !type(png, at + 4, "IHDR")) return null;
        long width = int32(png, at + 8) & 0xffffffffL;
        long height = int32(png, at + 12) & 0xffffffffL;
        int depth = png[at + 16] & 0xff;
        int colourType = png[at + 17] & 0xff;
        int channels = switch (colourType) {
            case 0 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            case 6 -> 4;
            default -> 0; // palette: ImageIO
        };
        boolean plain = png[at + 18] == 0 && png[at + 19] == 0 && png[at + 20] == 0; // deflate, filter 0, no interlace
        if (depth != 8 || channels == 0 || !plain || width == 0 || height == 0 || width * height > MAX_PIXELS) return null;
        int w = (int) width;
        int h = (int) height;
        int stride = w * channels;
        byte[] raw = new byte[(stride + 1) * h];
        int produced = 0;
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        at += 8 + 13 + 4;
        boolean ended = false;
        try {
            while (at + 8 <= png.length) {
                int length = int32(png, at);
                if (length < 0 || at + 12L + length > png.length) throw new BadRequest("the PNG is truncated");
                if (type(png, at + 4, "tRNS")) return null; // a transparency key: ImageIO applies it
                if (type(png, at + 4, "IDAT")) {
                    inflater.setInput(png, at + 8, length);
                    while (!inflater.needsInput() && !inflater.finished() && produced < raw.length) {
                        produced += inflater.inflate(raw, produced, raw.length - produced);
                    }
                } else if (type(png, at + 4, "IEND")) {
                    ended = true;
                    break;
                }
                at += 12 + length;
            }
        } catch (DataFormatException e) {
            throw new BadRequest("the PNG's image data is damaged: " + e.getMessage());
        }
        if (produced < raw.length) throw new BadRequest("the PNG is truncated (" + (ended ? "image data ends early" : "no end") + ")");
        return new Pixels(w, h, channels, false, unfilter(raw, h, stride, channels));
    }

    /** Undoes the per-row filters (None, Sub, Up, Average, Paeth) in place; returns the rows without filter bytes. */
    private static byte[] unfilter(byte[] raw, int h, int stride, int bpp) {
        byte[] out = new byte[h * stride];
        for (int y = 0; y < h; y++) {
            int filter = raw[y * (stride + 1)] & 0xff;
            int in = y * (stride + 1) + 1;
            int row = y * stride;
            int prev = row - stride;
            switch (filter) {
                case 0 -> System.arraycopy(raw, in, out, row, stride);
                case 1 -> {
                    for (int i = 0; i < stride; i++) {
                        int a = i >= bpp ? out[row + i - bpp] & 0xff : 0;
                        out[row + i] = (byte) (raw[in + i] + a);
                    }
                }
                case 2 -> {
                    for (int i = 0; i < stride; i++) {
                        int b = y > 0 ? out[prev + i] & 0xff : 0;
                        out[row + i] = (byte) (raw[in + i] + b);
                    }
                }
                case 3 -> {
                    for (int i = 0; i < stride; i++) {
                        int a = i >= bpp ? out[row + i - bpp] & 0xff : 0;
                        int b = y > 0 ? out[prev + i] & 0xff : 0;
                        out[row + i] = (byte) (raw[in + i] + ((a + b) >>> 1));
                    }
                }
                case 4 -> {
                    for (int i = 0; i < stride; i++) {
                        int a = i >= bpp ? out[row + i - bpp] & 0xff : 0;
                        int b = y > 0 ? out[prev + i] & 0xff : 0;
                        int c = y > 0 && i >= bpp ? out[prev + i - bpp] & 0xff : 0;
                        out[row + i] = (byte) (raw[in + i] + paeth(a, b, c));
                    }
                }
                default -> throw new BadRequest("the PNG's image data is damaged (row filter " + filter + ")");
            }
        }
        return out;
    }

    static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static boolean type(byte[] b, int at, String name) {
        return b[at] == name.charAt(0) && b[at + 1] == name.charAt(1) && b[at + 2] == name.charAt(2) && b[at + 3] == name.charAt(3);
    }
}
