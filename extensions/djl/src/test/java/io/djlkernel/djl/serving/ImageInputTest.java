package io.djlkernel.djl.serving;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The /predict preprocessing: the tensor a client's image becomes, compared with torch's own resize. */
class ImageInputTest {
    /** torch.nn.functional.interpolate(img, size=(4, 4), mode='bilinear', align_corners=False) on {@link #pattern()}. */
    static final double[][][] TORCH_4X4 = {
            {{1.25, 13.75, 26.25, 38.75}, {32.5, 45.0, 57.5, 70.0}, {70.0, 82.5, 95.0, 107.5}, {101.25, 113.75, 126.25, 138.75}},
            {{253.75, 241.25, 228.75, 216.25}, {222.5, 210.0, 197.5, 185.0}, {185.0, 172.5, 160.0, 147.5}, {153.75, 141.25, 128.75, 116.25}},
            {{0.0, 0.0, 0.0, 0.0}, {2.8906, 31.7969, 60.7031, 89.6094}, {6.3594, 69.9531, 133.5469, 113.1406}, {9.25, 101.75, 194.25, 62.75}}};

    /** 5 wide, 3 high: r = 10x + 50y, g = 255 - r, b = 37xy mod 256. */
    static BufferedImage pattern() {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int r = 10 * x + 50 * y;
                int b = (x * y * 37) % 256;
                img.setRGB(x, y, (r << 16) | ((255 - r) << 8) | b);
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    /** Undo the normalisation: pixel values 0..255 as [c][y][x]. */
    static double[][][] pixels(HostTensor t, int size) {
        float[] v = (float[]) t.data();
        double[][][] px = new double[3][size][size];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < size * size; i++) {
                px[c][i / size][i % size] = (v[c * size * size + i] * ImageInput.STD[c] + ImageInput.MEAN[c]) * 255.0;
            }
        }
        return px;
    }

    static void assertPixels(double[][][] expected, double[][][] actual, double tolerance) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < expected[c].length; y++) {
                for (int x = 0; x < expected[c][y].length; x++) {
                    assertEquals(expected[c][y][x], actual[c][y][x], tolerance, "channel " + c + " at (" + x + ", " + y + ")");
                }
            }
        }
    }

    @Test
    void pngResizesLikeTorchBilinear() throws Exception {
        HostTensor t = ImageInput.tensor("input0", encode(pattern(), "png"), 4);
        assertEquals(java.util.List.of(1L, 3L, 4L, 4L), java.util.Arrays.stream(t.shape()).boxed().toList());
        assertPixels(TORCH_4X4, pixels(t, 4), 1e-3);
    }

    @Test
    void paletteAndGrayImagesGiveTheSameTensorAsRgb() throws Exception {
        BufferedImage rgb = pattern();
        // a palette image holding exactly the pattern's colours
        int[] colours = new int[15];
        for (int i = 0; i < 15; i++) colours[i] = rgb.getRGB(i % 5, i / 5);
        IndexColorModel cm = new IndexColorModel(8, 15, colours, 0, false, -1, java.awt.image.DataBuffer.TYPE_BYTE);
        BufferedImage indexed = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_INDEXED, cm);
        for (int i = 0; i < 15; i++) indexed.getRaster().setSample(i % 5, i / 5, 0, i);
        assertPixels(TORCH_4X4, pixels(ImageInput.tensor("x", encode(indexed, "png"), 4), 4), 1e-3);

        BufferedImage gray = new BufferedImage(5, 5, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(2, 1, 0, 200);
        double[][][] g = pixels(ImageInput.tensor("x", encode(gray, "png"), 5), 5);
        assertEquals(200, g[0][1][2], 1e-3);
        assertEquals(200, g[2][1][2], 1e-3);
        assertEquals(0, g[1][0][0], 1e-3);
    }

    @Test
    void transparentPixelsAreCompositedOverBlackAndJpegDecodes() throws Exception {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00ffffff); // fully transparent white
        argb.setRGB(1, 0, 0xff00ff00); // opaque green
        double[][][] px = pixels(ImageInput.tensor("x", encode(argb, "png"), 2), 2);
        assertEquals(0, px[0][0][0], 1e-3);
        assertEquals(255, px[1][0][1], 1e-3);

        BufferedImage blue = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) blue.setRGB(x, y, 0x0000ff);
        double[][][] j = pixels(ImageInput.tensor("x", encode(blue, "jpg"), 8), 8);
        assertEquals(255, j[2][4][4], 3); // JPEG is lossy
        assertEquals(0, j[0][4][4], 3);
    }

    @Test
    void everyFormatGivesTheSameTensorAndABadImageDoesNotSpoilTheNext() throws Exception {
        assertPixels(TORCH_4X4, pixels(ImageInput.tensor("x", encode(pattern(), "bmp"), 4), 4), 1e-3);
        assertPixels(TORCH_4X4, pixels(ImageInput.tensor("x", encode(pattern(), "tiff"), 4), 4), 1e-3); // no sniffing
        byte[] png = encode(pattern(), "png");
        for (int i = 0; i < 3; i++) {
            byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
            assertThrows(BadRequest.class, () -> ImageInput.tensor("x", cut, 4));
            assertPixels(TORCH_4X4, pixels(ImageInput.tensor("x", png, 4), 4), 1e-3);
        }
        assertEquals("png", ImageInput.sniff(png));
        assertEquals("jpeg", ImageInput.sniff(encode(pattern(), "jpg")));
        assertEquals("gif", ImageInput.sniff(encode(pattern(), "gif")));
        assertEquals(null, ImageInput.sniff("hello".getBytes()));
    }

    @Test
    void notAnImageIsABadRequest() {
        BadRequest e = assertThrows(BadRequest.class, () -> ImageInput.tensor("x", "hello".getBytes(), 4));
        assertEquals(400, e.status());
        assertThrows(BadRequest.class, () -> ImageInput.tensor("x", new byte[0], 4));
        assertEquals(400, assertThrows(BadRequest.class, () -> ImageInput.tensor("x", (byte[]) null, 4)).status());
    }
}
