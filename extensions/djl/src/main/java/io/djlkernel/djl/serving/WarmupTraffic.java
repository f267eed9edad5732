package io.djlkernel.djl.serving;

import com.google.gson.stream.JsonWriter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What the warm-up sends: requests that differ the way real clients' requests differ, so that the JIT compiles
 * the code they take and not only one request's path. Warmed with one compact request from one raw client, the
 * MLP fixture's endpoint threw away about 50 compiled methods within a second of its first real client (headers
 * it had not parsed before, a body that arrived in two TCP segments and so in Netty's composite buffers, JSON with
 * spaces), and ran them slower until they were compiled again.
 * <p>
 * Varied here: the body (JSON compact, spaced as Python's {@code json.dumps} writes it, indented as
 * {@code JSON.stringify(v, null, 2)} does; numbers fixed, shortest and in exponent form; field orders; PNGs in RGB
 * and RGBA with every row filter, and a JPEG, at the model's size and not; multipart boundaries and raw image
 * bodies), the headers of common clients (curl, python-requests, Go, a browser, Node in lower case) and how the
 * request is written (at once, or headers and body apart, or the body in two parts).
 */
final class WarmupTraffic {

    /** One request body to send: path, content type and body. */
    record Call(String path, String contentType, byte[] body) {
    }

    /** Headers as common clients send them, beside Host, Content-Type and Content-Length. */
    static final List<String> CLIENT_HEADERS = List.of(
            "User-Agent: curl/8.5.0\r\nAccept: */*\r\n",
            "User-Agent: python-requests/2.31.0\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n",
            "User-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n"
                    + "Accept: application/json, text/plain, */*\r\nAccept-Language: en-US,en;q=0.9\r\n"
                    + "Origin: http://localhost:8888\r\nReferer: http://localhost:8888/lab\r\n",
            "accept: */*\r\naccept-language: *\r\nsec-fetch-mode: cors\r\nuser-agent: node\r\naccept-encoding: gzip, deflate\r\n");

    /** How a request reaches the socket: whole, headers then body, or headers, half the body, the rest. */
    static final int WRITE_PATTERNS = 3;

    private WarmupTraffic() {
    }

    /**
     * The bodies that stand for real traffic to {@code model}: images to /predict (and tensors through V2) for a
     * classifier, values of the declared shape through V2 otherwise; empty when the inputs are not known (a bare
     * TorchScript file), in which case nothing can be warmed.
     */
    static List<Call> callsFor(ServableModel model) {
        List<Call> calls = new ArrayList<>();
        if (model.isImageClassifier()) {
            int side = Math.max(model.imageSize(), 64);
            // encoders choose PNG row filters differently (PIL, OpenCV, a browser's canvas, ImageIO): every filter,
            // RGB and the RGBA a canvas writes, and another format with a resize on the way in
            byte[] png = png(noise(side, side), 3);
            byte[] rgba = png(noise(side + side / 4, side + side / 4), 4);
            byte[] jpeg = jpeg(noise(side * 3 / 2, side));
            calls.add(multipart("----WebKitFormBoundary7MA4YWxkTrZu0gW", "file", "image/png", "canvas.png", rgba));
            calls.add(multipart("9f0c3e2a5b7d4e1f8a6c2b0d9e7f5a3c", "image", "image/jpeg", "photo.jpg", jpeg));
            calls.add(new Call("/predict", "image/png", png));
        }
        String path = "/v2/models/" + model.name() + "/infer";
        for (JsonStyle style : JsonStyle.values()) {
            String v2 = v2Sample(model, style);
            if (v2 != null) calls.add(new Call(path, "application/json", v2.getBytes(StandardCharsets.UTF_8)));
        }
        return calls;
    }

    /** JSON as clients write it. */
    enum JsonStyle { COMPACT, PYTHON, INDENTED }

    /** The compact V2 sample; see {@link #v2Sample(ServableModel, JsonStyle)}. */
    static String v2Sample(ServableModel model) {
        return v2Sample(model, JsonStyle.COMPACT);
    }

    /**
     * A V2 request for every declared input, variable dimensions as 1, written in {@code style}, with values like a
     * client's: decimals in [-1, 1] for FP32/FP64 (the JSON parser reads "0" and "-0.421337" by different code, and
     * zeros left the decimal one cold: the MLP fixture's first seconds after ready ran at 0.58x its steady speed),
     * 0 and 1 for integers, true and false for BOOL; null if a type or shape is unknown.
     */
    static String v2Sample(ServableModel model, JsonStyle style) {
        if (model.inputs().isEmpty()) return null;
        Random random = new Random(11 + style.ordinal());
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.setIndent(style == JsonStyle.INDENTED ? "  " : "");
            json.beginObject().name("inputs").beginArray();
            for (IoSpec input : model.inputs()) {
                String kind = input.datatype().name();
                if (kind.equals("BYTES") || kind.equals("FP16")) return null;
                long count = 1;
                for (long dim : input.shape()) {
                    count *= dim < 0 ? 1 : dim;
                    if (count > 1_000_000) return null; // a request this big would warm the JSON parser, not the path
                }
                json.beginObject();
                // field orders differ between clients: a Python dict keeps its writer's order, Gson and Jackson their own
                if (style == JsonStyle.INDENTED) {
                    data(json, count, kind, random, style);
                    shape(json, input);
                }
                json.name("name").value(input.name());
                if (style != JsonStyle.INDENTED) shape(json, input);
                json.name("datatype").value(kind);
                if (style != JsonStyle.INDENTED) data(json, count, kind, random, style);
                json.endObject();
            }
            json.endArray();
            if (style == JsonStyle.PYTHON) json.name("id").value("warmup");
            json.endObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        return style == JsonStyle.PYTHON ? spaced(text.toString()) : text.toString();
    }

    private static void shape(JsonWriter json, IoSpec input) throws IOException {
        json.name("shape").beginArray();
        for (long dim : input.shape()) json.value(dim < 0 ? 1 : dim);
        json.endArray();
    }

    private static void data(JsonWriter json, long count, String kind, Random random, JsonStyle style) throws IOException {
        json.name("data").beginArray();
        for (long i = 0; i < count; i++) json.jsonValue(value(kind, random, style));
        json.endArray();
    }

    /** Compact JSON with a space after each comma and colon outside strings, as Python's json.dumps writes it. */
    private static String spaced(String compact) {
        StringBuilder out = new StringBuilder(compact.length() * 5 / 4);
        boolean inString = false;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            out.append(c);
            if (inString) {
                if (c == '\\') out.append(compact.charAt(++i));
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == ',' || c == ':') {
                out.append(' ');
            }
        }
        return out.toString();
    }

    private static String value(String kind, Random random, JsonStyle style) {
        switch (kind) {
            case "BOOL": return random.nextBoolean() ? "true" : "false";
            case "FP32": case "FP64": {
                double v = random.nextDouble() * 2 - 1;
                if (style == JsonStyle.COMPACT) return String.format(Locale.ROOT, "%.6f", v);
                if (random.nextInt(32) == 0) return String.format(Locale.ROOT, "%.3e", v / 1000); // 1.234e-04
                return new BigDecimal(v).setScale(random.nextInt(7) + 1, java.math.RoundingMode.HALF_EVEN)
                        .stripTrailingZeros().toPlainString(); // shortest, as Python's repr of a rounded float
            }
            default: return Integer.toString(random.nextInt(2));
        }
    }

    /**
     * The request line and headers of {@code call} as a client sending {@code clientHeaders} writes them; with
     * {@code close}, asking the server to close the connection after its answer.
     */
    static byte[] head(URI base, String token, Call call, String clientHeaders, boolean close) {
        boolean lower = Character.isLowerCase(clientHeaders.charAt(0));
        if (close) {
            clientHeaders = clientHeaders.replaceAll("(?i)connection: keep-alive\r\n", "")
                    + (lower ? "connection: close\r\n" : "Connection: close\r\n");
        }
        String head = "POST " + call.path() + " HTTP/1.1\r\n" + (lower ? "host: " : "Host: ") + base.getHost() + ":"
                + base.getPort() + "\r\n" + clientHeaders + (lower ? "content-type: " : "Content-Type: ")
                + call.contentType() + "\r\n" + (lower ? "content-length: " : "Content-Length: ") + call.body().length
                + "\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
        return head.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes a request the way {@code pattern} says (see {@link #WRITE_PATTERNS}); {@code out} buffers, so a flush is
     * where a TCP segment ends.
     */
    static void send(OutputStream out, byte[] head, byte[] body, int pattern) throws IOException {
        out.write(head);
        if (pattern % WRITE_PATTERNS != 0) out.flush();
        int half = pattern % WRITE_PATTERNS == 2 ? body.length / 2 : body.length;
        out.write(body, 0, half);
        if (half < body.length) {
            out.flush();
            out.write(body, half, body.length - half);
        }
        out.flush();
    }

    private static Call multipart(String boundary, String field, String type, String filename, byte[] image) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + filename + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(image);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return new Call("/predict", "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) image.setRGB(x, y, random.nextInt(1 << 24));
        }
        return image;
    }

    private static byte[] jpeg(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpeg", out)) throw new IllegalStateException("no JPEG writer");
        } catch (IOException e) {
            throw new IllegalStateException("encoding the warm-up image failed", e);
        }
        return out.toByteArray();
    }

    /** An 8-bit RGB ({@code channels} 3) or RGBA (4, alpha opaque) PNG of {@code image}, every row filter used. */
    static byte[] png(BufferedImage image, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] pixels = new byte[w * h * channels];
        for (int y = 0, at = 0; y < h; y++) {
            for (int x = 0; x < w; x++, at += channels) {
                int rgb = image.getRGB(x, y);
                pixels[at] = (byte) (rgb >> 16);
                pixels[at + 1] = (byte) (rgb >> 8);
                pixels[at + 2] = (byte) rgb;
                if (channels == 4) pixels[at + 3] = (byte) 0xff;
            }
        }
        return PngWriter.everyFilter(pixels, w, h, channels, 1);
    }
}
