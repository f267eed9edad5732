package io.djlkernel.djl.serving;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes 8-bit PNGs whose rows use the five filter types in turn (None, Sub, Up, Average, Paeth). Encoders pick
 * filters each their own way (ImageIO leaves some unused), so these are the images that make a decoder run every
 * unfiltering branch: the serving warm-up's, and {@link PngFastPath}'s tests'.
 */
final class PngWriter {
    private PngWriter() {
    }

    /**
     * @param pixels   interleaved, rows top to bottom
     * @param channels 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
     * @param idatChunks how many IDAT chunks the compressed data is split over (one stream across them)
     */
    static byte[] everyFilter(byte[] pixels, int width, int height, int channels, int idatChunks) {
        int stride = width * channels;
        ByteArrayOutputStream filtered = new ByteArrayOutputStream((stride + 1) * height);
        for (int y = 0; y < height; y++) {
            int filter = y % 5;
            filtered.write(filter);
            for (int i = 0; i < stride; i++) {
                int left = i >= channels ? pixels[y * stride + i - channels] & 0xff : 0;
                int up = y > 0 ? pixels[(y - 1) * stride + i] & 0xff : 0;
                int upLeft = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels] & 0xff : 0;
                int predicted = switch (filter) {
                    case 1 -> left;
                    case 2 -> up;
                    case 3 -> (left + up) >>> 1;
                    case 4 -> PngFastPath.paeth(left, up, upLeft);
                    default -> 0;
                };
                filtered.write((pixels[y * stride + i] - predicted) & 0xff);
            }
        }
        Deflater deflater = new Deflater();
        deflater.setInput(filtered.toByteArray());
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        while (!deflater.finished()) compressed.write(buffer, 0, deflater.deflate(buffer));
        deflater.end();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        int colourType = switch (channels) {
            case 1 -> 0;
            case 2 -> 4;
            case 3 -> 2;
            default -> 6;
        };
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        byte[] data = compressed.toByteArray();
        for (int k = 0; k < idatChunks; k++) {
            chunk(png, "IDAT", Arrays.copyOfRange(data, data.length * k / idatChunks, data.length * (k + 1) / idatChunks));
        }
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** One chunk: length, type, data, CRC. */
    static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(name);
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
