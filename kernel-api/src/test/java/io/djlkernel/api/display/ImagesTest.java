package io.djlkernel.api.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagesTest {

    private static BufferedImage picture(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLUE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    @Test
    void bufferedImageBecomesPngWithTextAndSize() throws IOException {
        BufferedImage image = picture(64, 48, BufferedImage.TYPE_INT_RGB);
        MimeBundle bundle = Images.toBundle(image);

        String base64 = (String) bundle.data().get(MimeBundle.IMAGE_PNG);
        assertNotNull(base64);
        assertTrue(!base64.contains("\n"), "base64 must be one line");
        byte[] png = Base64.getDecoder().decode(base64);
        assertEquals(MimeBundle.IMAGE_PNG, Images.sniff(png));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(64, back.getWidth());
        assertEquals(48, back.getHeight());
        assertEquals(image.getRGB(32, 24), back.getRGB(32, 24));

        assertEquals("<BufferedImage 64x48>", bundle.data().get(MimeBundle.TEXT_PLAIN));
        assertEquals(Map.of("width", 64, "height", 48), bundle.metadata().get(MimeBundle.IMAGE_PNG));
    }

    @Test
    void everyBufferedImageTypeEncodes() {
        int[] types = {BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_ARGB_PRE, BufferedImage.TYPE_INT_BGR,
            BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_4BYTE_ABGR_PRE,
            BufferedImage.TYPE_USHORT_565_RGB, BufferedImage.TYPE_USHORT_555_RGB, BufferedImage.TYPE_BYTE_GRAY,
            BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_BYTE_INDEXED};
        for (int type : types) {
            MimeBundle bundle = Images.toBundle(picture(10, 7, type));
            byte[] png = Base64.getDecoder().decode((String) bundle.data().get(MimeBundle.IMAGE_PNG));
            assertEquals(MimeBundle.IMAGE_PNG, Images.sniff(png), "type " + type);
        }
    }

    @Test
    void pngBytesAreRecognised() throws IOException {
        byte[] png = encode(picture(30, 20, BufferedImage.TYPE_INT_RGB), "png");
        MimeBundle bundle = Images.toBundle(png);
        assertArrayEquals(png, Base64.getDecoder().decode((String) bundle.data().get(MimeBundle.IMAGE_PNG)));
        assertEquals(Map.of("width", 30, "height", 20), bundle.metadata().get(MimeBundle.IMAGE_PNG));
        assertTrue(bundle.data().get(MimeBundle.TEXT_PLAIN).toString().startsWith("<PNG image 30x20, "));
    }

    @Test
    void jpegBytesAreRecognised() throws IOException {
        byte[] jpeg = encode(picture(33, 21, BufferedImage.TYPE_INT_RGB), "jpg");
        MimeBundle bundle = Images.toBundle(jpeg);
        assertArrayEquals(jpeg, Base64.getDecoder().decode((String) bundle.data().get(MimeBundle.IMAGE_JPEG)));
        assertEquals(Map.of("width", 33, "height", 21), bundle.metadata().get(MimeBundle.IMAGE_JPEG));
        assertTrue(bundle.data().get(MimeBundle.TEXT_PLAIN).toString().startsWith("<JPEG image 33x21, "));
    }

    @Test
    void gifBytesAreRecognised() throws IOException {
        byte[] gif = encode(picture(17, 9, BufferedImage.TYPE_BYTE_INDEXED), "gif");
        MimeBundle bundle = Images.toBundle(gif);
        assertArrayEquals(gif, Base64.getDecoder().decode((String) bundle.data().get(MimeBundle.IMAGE_GIF)));
        assertEquals(Map.of("width", 17, "height", 9), bundle.metadata().get(MimeBundle.IMAGE_GIF));
    }

    @Test
    void truncatedHeadersStillDisplay() {
        byte[] pngStart = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        MimeBundle bundle = Images.toBundle(pngStart);
        assertTrue(bundle.data().containsKey(MimeBundle.IMAGE_PNG));
        assertTrue(bundle.metadata().isEmpty());
        assertEquals("<PNG image, 8 bytes>", bundle.data().get(MimeBundle.TEXT_PLAIN));
        assertEquals(MimeBundle.IMAGE_JPEG, Images.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
        Images.toBundle(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0});
    }

    @Test
    void anythingElseIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.toBundle("hello world".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().contains("not a PNG, JPEG or GIF"), e.getMessage());
        assertTrue(e.getMessage().contains("68 65 6c 6c 6f"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Images.toBundle(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Images.toBundle((byte[]) null));
        assertThrows(IllegalArgumentException.class, () -> Images.toBundle(new byte[] {'G', 'I', 'F', '8'}));
        assertThrows(NullPointerException.class, () -> Images.toBundle((java.awt.image.RenderedImage) null));
    }
}
