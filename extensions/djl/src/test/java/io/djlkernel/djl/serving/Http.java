package io.djlkernel.djl.serving;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for the tests (the JDK's). */
final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, String body, String contentType) {
        JsonElement json() {
            return JsonParser.parseString(body);
        }
    }

    private Http() {
    }

    static Reply get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b.build());
    }

    static Reply post(String url, String contentType, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b.build());
    }

    static Reply postJson(String url, String json, String... headers) throws IOException, InterruptedException {
        return post(url, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    static Reply postFile(String url, String field, String filename, String type, byte[] data, String... headers)
            throws IOException, InterruptedException {
        String boundary = "----djlkernel" + System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(data);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return post(url, "multipart/form-data; boundary=" + boundary, out.toByteArray(), headers);
    }

    private static Reply send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
        return new Reply(resp.statusCode(), resp.body(), resp.headers().firstValue("content-type").orElse(""));
    }
}
