package io.djlkernel.kernel.transport;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a Jupyter connection file says: where to bind and how to sign. Parsed with gson's tree API rather
 * than reflection (basekernel's {@code KernelConnectionProperties.parse}) to keep start-up class loading small.
 */
public record ConnectionInfo(String transport, String ip, int shellPort, int controlPort, int stdinPort,
                             int iopubPort, int heartbeatPort, String signatureScheme, String key) {

    public static ConnectionInfo read(Path connectionFile) throws IOException {
        return parse(Files.readString(connectionFile, StandardCharsets.UTF_8));
    }

    public static ConnectionInfo parse(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        return new ConnectionInfo(
                Json.string(o, "transport", "tcp"),
                Json.string(o, "ip", "127.0.0.1"),
                Json.integer(o, "shell_port", 0),
                Json.integer(o, "control_port", 0),
                Json.integer(o, "stdin_port", 0),
                Json.integer(o, "iopub_port", 0),
                Json.integer(o, "hb_port", 0),
                Json.string(o, "signature_scheme", "hmac-sha256"),
                Json.string(o, "key", ""));
    }

    /** The ZeroMQ endpoint for a port: {@code tcp://ip:port}, or {@code ipc://ip-port} as jupyter_client names them. */
    public String endpoint(int port) {
        return "ipc".equals(transport) ? "ipc://" + ip + "-" + port : transport + "://" + ip + ":" + port;
    }

    /** This connection with other ports, e.g. the ones actually bound when the file asked for port 0. */
    public ConnectionInfo withPorts(int shell, int control, int stdin, int iopub, int heartbeat) {
        return new ConnectionInfo(transport, ip, shell, control, stdin, iopub, heartbeat, signatureScheme, key);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("transport", transport);
        o.addProperty("ip", ip);
        o.addProperty("shell_port", shellPort);
        o.addProperty("control_port", controlPort);
        o.addProperty("stdin_port", stdinPort);
        o.addProperty("iopub_port", iopubPort);
        o.addProperty("hb_port", heartbeatPort);
        o.addProperty("signature_scheme", signatureScheme);
        o.addProperty("key", key);
        return o;
    }

    @Override
    public String toString() {
        // never print the key
        return "ConnectionInfo[" + transport + "://" + ip + " shell=" + shellPort + " control=" + controlPort
                + " stdin=" + stdinPort + " iopub=" + iopubPort + " hb=" + heartbeatPort + " " + signatureScheme + "]";
    }
}
