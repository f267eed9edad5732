package io.djlkernel.djl.render;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.output.BoundingBox;
import ai.djl.modality.cv.output.DetectedObjects;
import ai.djl.modality.cv.output.Rectangle;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.djl.DjlEnvironment;
import io.djlkernel.djl.TestKernel;
import io.djlkernel.djl.tensors.NDArrayFormat;
import io.djlkernel.djl.tensors.NDArrayRenderer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderersTest {
    static NDManager manager;
    static TestKernel kernel = new TestKernel();

    @BeforeAll
    static void setUp() {
        manager = DjlEnvironment.engine().newBaseManager(Device.cpu());
        DjlRenderers.registerAll(kernel);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void htmlTableForMatricesIsBounded() {
        NDArray m = manager.arange(0f, 10000f).reshape(100, 100);
        MimeBundle b = kernel.render(m);
        String html = (String) b.data().get(MimeBundle.TEXT_HTML);
        assertNotNull(html);
        assertTrue(html.contains("shape (100, 100) · float32 · cpu"), html);
        assertTrue(html.contains("<th>99</th>") && html.contains("…") && html.contains("⋮"), html);
        assertEquals(21, html.split("<tr>").length - 2, "10 + 10 rows + the ellipsis row");
        assertTrue(html.contains("<td>9.9990e+03</td>"), "same number format as the repr");
        assertNotNull(kernel.render(manager.create(new int[]{1, 2, 3})).data().get(MimeBundle.TEXT_HTML));
        assertNull(kernel.render(manager.ones(new Shape(2, 2, 2))).data().get(MimeBundle.TEXT_HTML), "no table for 3-D");
    }

    @Test
    void pngForImageShapedArrays() throws Exception {
        NDArray hwc = manager.randomUniform(0f, 1f, new Shape(32, 48, 3));
        BufferedImage img = decode(kernel.render(hwc));
        assertEquals(48, img.getWidth());
        assertEquals(32, img.getHeight());
        NDArray chw = manager.randomUniform(0f, 255f, new Shape(3, 20, 10));
        BufferedImage img2 = decode(kernel.render(chw));
        assertEquals(10, img2.getWidth());
        assertEquals(20, img2.getHeight());
        NDArray gray = manager.randomInteger(0, 255, new Shape(16, 16), DataType.INT32).toType(DataType.UINT8, false);
        assertNotNull(decode(kernel.render(gray)));
        NDArray bigImage = manager.zeros(new Shape(3, 4000, 3000));
        BufferedImage small = decode(kernel.render(bigImage));
        assertTrue(small.getWidth() <= ImageArrays.MAX_SIDE && small.getHeight() <= ImageArrays.MAX_SIDE);
        // a pixel check: a pure red HWC uint8 image
        NDArray red = manager.zeros(new Shape(8, 8, 3), DataType.UINT8);
        red.set(new ai.djl.ndarray.index.NDIndex(":, :, 0"), 255);
        assertEquals(0xffff0000, decode(kernel.render(red)).getRGB(3, 3));
        // not pictures: out-of-range floats, matrices of floats, 1-D
        assertNull(kernel.render(manager.full(new Shape(16, 16, 3), 300f)).data().get(MimeBundle.IMAGE_PNG));
        assertNull(kernel.render(manager.ones(new Shape(64, 64))).data().get(MimeBundle.IMAGE_PNG));
        assertNull(kernel.render(manager.ones(new Shape(300))).data().get(MimeBundle.IMAGE_PNG));
    }

    private static BufferedImage decode(MimeBundle b) throws Exception {
        String png = (String) b.data().get(MimeBundle.IMAGE_PNG);
        assertNotNull(png, "no image/png in " + b.data().keySet());
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(png)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasShapeSampleAndStatistics() {
        NDArray a = manager.create(new float[]{1, 2, Float.NaN, 4, Float.POSITIVE_INFINITY, 6}, new Shape(2, 3));
        Map<String, Object> doc = (Map<String, Object>) kernel.render(a).data().get(NDArrayRenderer.MIME_JSON);
        assertEquals(List.of(2L, 3L), doc.get("shape"));
        assertEquals("float32", doc.get("dtype"));
        assertEquals("cpu()", doc.get("device"));
        assertEquals("cpu", doc.get("device_type"));
        assertEquals(6L, doc.get("numel"));
        Map<String, Object> sample = (Map<String, Object>) doc.get("sample");
        assertEquals(List.of(2L, 3L), sample.get("shape"));
        assertEquals(List.of(1.0, 2.0, "NaN"), ((List<Object>) sample.get("data")).get(0));
        assertEquals(List.of(4.0, "Infinity", 6.0), ((List<Object>) sample.get("data")).get(1));
        Map<String, Object> stats = (Map<String, Object>) doc.get("stats");
        assertEquals(1L, stats.get("nan_count"));
        assertEquals(1L, stats.get("inf_count"));
        assertEquals(1.0, stats.get("min"));
        assertEquals("Infinity", stats.get("max"));

        NDArray b = manager.create(new float[]{1, 2, 3, 4});
        Map<String, Object> s = (Map<String, Object>) NDArrayRenderer.json(b).get("stats");
        assertEquals(2.5, (Double) s.get("mean"), 1e-6);
        assertEquals(1.2909944, (Double) s.get("std"), 1e-6); // unbiased, as torch.std
        assertEquals(false, s.get("std_sampled"));

        NDArray ints = manager.create(new long[]{3, -1, 7});
        Map<String, Object> si = (Map<String, Object>) NDArrayRenderer.json(ints).get("stats");
        assertEquals(-1L, si.get("min"));
        assertEquals(7L, si.get("max"));
        assertEquals(3.0, (Double) si.get("mean"), 1e-6);

        NDArray image = manager.zeros(new Shape(3, 16, 16));
        assertEquals("CHW", NDArrayRenderer.json(image).get("image_layout"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonSampleIsTheLeading64x64Slice() {
        NDArray big = manager.arange(0f, 4f * 100 * 200).reshape(4, 100, 200);
        Map<String, Object> sample = (Map<String, Object>) NDArrayRenderer.json(big).get("sample");
        assertEquals(List.of(64L, 64L), sample.get("shape"));
        assertEquals(List.of(0L, 0L, 0L), sample.get("offset"));
        assertEquals(true, sample.get("truncated"));
        List<List<Object>> data = (List<List<Object>>) sample.get("data");
        assertEquals(64, data.size());
        assertEquals(200.0, data.get(1).get(0));
    }

    @Test
    void twentyFiveMillionElementsAllFormsInBoundedTime() {
        try (NDManager m = manager.newSubManager()) {
            NDArray big = m.randomUniform(0f, 1f, new Shape(5000, 5000));
            kernel.render(big);
            long best = Long.MAX_VALUE;
            MimeBundle b = null;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                b = kernel.render(big);
                best = Math.min(best, System.nanoTime() - t0);
            }
            System.out.println("all forms of a 25M-element array: " + best / 1e6 + " ms; keys " + b.data().keySet());
            long t0 = System.nanoTime();
            NDArrayFormat.repr(big);
            long t1 = System.nanoTime();
            NDArrayRenderer.html(big);
            long t2 = System.nanoTime();
            ImageArrays.toImage(big);
            long t3 = System.nanoTime();
            NDArrayRenderer.json(big);
            long t4 = System.nanoTime();
            System.out.printf("repr %.1f html %.1f png %.1f json %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                    (t3 - t2) / 1e6, (t4 - t3) / 1e6);
            assertTrue(b.data().containsKey(NDArrayRenderer.MIME_JSON));
            assertTrue(best < 250_000_000L, "rendering took " + best / 1e6 + " ms");
        }
    }

    @Test
    void otherDjlTypes() {
        assertEquals("Shape(2, 3)", kernel.render(new Shape(2, 3)).toString());
        assertEquals("float16", kernel.render(DataType.FLOAT16).toString());
        assertEquals("cpu()", kernel.render(Device.cpu()).toString());
        Classifications c = new Classifications(List.of("cat", "dog", "bird"), List.of(0.7, 0.2, 0.1));
        MimeBundle cb = kernel.render(c);
        assertTrue(cb.toString().contains("cat") && cb.toString().contains("0.7000"), cb.toString());
        assertTrue(((String) cb.data().get(MimeBundle.TEXT_HTML)).contains("<td style=\"text-align:left\">cat</td>"));
        DetectedObjects d = new DetectedObjects(List.of("person"), List.of(0.9),
                List.<BoundingBox>of(new Rectangle(0.1, 0.2, 0.3, 0.4)));
        MimeBundle db = kernel.render(d);
        assertTrue(db.toString().startsWith("DetectedObjects (1)"), db.toString());
        assertTrue(db.toString().contains("person") && db.toString().contains("w=0.300"), db.toString());
        assertTrue(kernel.render(manager).toString().startsWith("NDManager"));
    }

    @Test
    void imageRendersAsPng() throws Exception {
        BufferedImage bi = new BufferedImage(12, 9, BufferedImage.TYPE_INT_RGB);
        ai.djl.modality.cv.Image image = ai.djl.modality.cv.ImageFactory.getInstance().fromImage(bi);
        MimeBundle b = kernel.render(image);
        assertEquals("Image(12x9)", b.toString());
        assertEquals(12, decode(b).getWidth());
    }

    @Test
    void blockAndModelSummaries() {
        SequentialBlock net = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
        String before = kernel.render(net).toString();
        assertTrue(before.contains("not initialized"), before);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
        BlockSummary s = BlockSummary.of(net);
        assertEquals(8 * 16 + 16 + 16 * 3 + 3, s.totalParameters());
        String text = kernel.render(net).toString();
        assertTrue(text.contains("Linear") && text.contains("Total parameters: 195"), text);
        assertTrue(text.contains("weight(16, 8)"), text);
        try (Model model = Model.newInstance("mlp", Device.cpu())) {
            model.setBlock(net);
            MimeBundle mb = kernel.render(model);
            assertTrue(mb.toString().startsWith("Model 'mlp' on cpu()"), mb.toString());
            assertTrue(((String) mb.data().get(MimeBundle.TEXT_HTML)).contains("195"));
        }
    }

    @Test
    void closedArraysSayTheyAreClosed() {
        NDArray a = manager.ones(new Shape(2));
        a.close();
        MimeBundle b = kernel.render(a);
        assertTrue(b.toString().contains("closed"));
        assertFalse(b.data().containsKey(NDArrayRenderer.MIME_JSON));
    }
}
