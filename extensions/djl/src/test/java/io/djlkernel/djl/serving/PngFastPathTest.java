package io.djlkernel.djl.serving;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PNG fast path: exact pixels for every row filter and layout, ImageIO's tensors, and what it leaves to ImageIO. */
class PngFastPathTest {
    static byte[] png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }

    /** Noise, gradients and flat areas, so the encoder's adaptive filtering picks every filter somewhere. */
    static BufferedImage picture(int type, int w, int h, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int region = (x * 4 / w) + (y * 3 / h) * 4;
                int argb = switch (region % 4) {
                    case 0 -> rnd.nextInt();
                    case 1 -> 0xff000000 | (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) & 0xff);
                    case 2 -> 0x80336699;
                    default -> (rnd.nextInt(256) << 24) | ((x * 7) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | 0x40;
                };
                img.setRGB(x, y, argb);
            }
        }
        return img;
    }

    @Test
    void everyRowFilterAndPixelLayoutDecodesToTheExactBytes() throws Exception {
        Random rnd = new Random(42);
        for (int channels = 1; channels <= 4; channels++) {
            for (int[] wh : new int[][] {{1, 7}, {13, 11}, {64, 64}}) {
                byte[] pixels = new byte[wh[0] * wh[1] * channels];
                rnd.nextBytes(pixels);
                byte[] png = PngWriter.everyFilter(pixels, wh[0], wh[1], channels, 2);
                Pixels p = PngFastPath.decode(png);
                assertNotNull(p);
                assertEquals(channels, p.channels());
                assertTrue(Arrays.equals(pixels, Arrays.copyOf(p.data(), pixels.length)), channels + " channels " + Arrays.toString(wh));
                if (channels == 3) { // ImageIO reads the same file to the same pixels: the encoder here is a real PNG
                    BufferedImage ref = ImageIO.read(new ByteArrayInputStream(png));
                    int px = ref.getRGB(wh[0] - 1, wh[1] - 1);
                    int o = pixels.length - 3;
                    assertEquals((pixels[o] & 0xff) << 16 | (pixels[o + 1] & 0xff) << 8 | (pixels[o + 2] & 0xff), px & 0xffffff);
                }
            }
        }
    }

    static float[] tensorVia(Pixels p, int size) {
        float[] out = new float[3 * size * size];
        ImageInput.resizeInto(p, size, out, 0);
        return out;
    }

    @Test
    void sameTensorAsImageIoForRgbRgbaAndGray() throws Exception {
        // (ImageIO's writer filters no rows; every filter is covered by the test above)
        int[][] sizes = {{37, 23}, {64, 64}, {1, 1}, {300, 7}, {5, 200}};
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_GRAY}) {
            for (int[] wh : sizes) {
                BufferedImage img = picture(type, wh[0], wh[1], 31L * wh[0] + type);
                byte[] png = png(img);
                Pixels fast = PngFastPath.decode(png);
                assertNotNull(fast, "type " + type);
                BufferedImage viaImageIo = ImageIO.read(new ByteArrayInputStream(png));
                for (int size : new int[] {4, 32}) {
                    float[] expected = tensorVia(ImageInput.pixels(viaImageIo), size);
                    float[] actual = tensorVia(fast, size);
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-5f, "type " + type + " " + Arrays.toString(wh) + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void leavesPaletteSixteenBitAndTransparencyKeysToImageIo() throws Exception {
        assertNull(PngFastPath.decode(png(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED))));
        assertNull(PngFastPath.decode(png(new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY))));
        assertNull(PngFastPath.decode("not a png at all, long enough to be read".getBytes()));
        byte[] interlaced = png(picture(BufferedImage.TYPE_3BYTE_BGR, 8, 8, 1));
        interlaced[28] = 1; // IHDR's interlace method (CRCs are not checked here)
        assertNull(PngFastPath.decode(interlaced));
        // and those still become tensors, through ImageIO
        assertEquals(3 * 16, ImageInput.tensor("x", png(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED)), 4).size());
    }

    @Test
    void damagedPngsAreBadRequests() throws Exception {
        byte[] good = png(picture(BufferedImage.TYPE_3BYTE_BGR, 40, 40, 7));
        for (int cut : new int[] {good.length - 13, good.length / 2, 40}) {
            BadRequest e = assertThrows(BadRequest.class, () -> PngFastPath.decode(Arrays.copyOf(good, cut)));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("PNG"), e.getMessage());
        }
        byte[] scrambled = good.clone();
        for (int i = 60; i < 90; i++) scrambled[i] ^= 0x5a; // inside the compressed image data
        assertThrows(BadRequest.class, () -> PngFastPath.decode(scrambled));
        assertNotNull(PngFastPath.decode(good)); // the thread's inflater is fine afterwards
    }
}
