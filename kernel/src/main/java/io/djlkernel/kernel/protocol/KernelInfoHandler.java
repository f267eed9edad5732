package io.djlkernel.kernel.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Message;
import io.djlkernel.kernel.transport.MessageFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** kernel_info_request: answered at once, without waiting for the interpreter. */
public final class KernelInfoHandler implements RequestHandler {
    private final Outbox outbox;
    private final JsonObject info;

    public KernelInfoHandler(Outbox outbox) {
        this.outbox = outbox;
        this.info = kernelInfo();
    }

    @Override
    public void handle(Channel channel, Message request) {
        outbox.reply(channel, request, info.deepCopy());
    }

    public static String implementationVersion() {
        try (InputStream in = KernelInfoHandler.class.getResourceAsStream("/djl-kernel.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static JsonObject kernelInfo() {
        String javaVersion = System.getProperty("java.version", String.valueOf(Runtime.version().feature()));
        String version = implementationVersion();
        JsonObject language = new JsonObject();
        language.addProperty("name", "java");
        language.addProperty("version", javaVersion);
        language.addProperty("mimetype", "text/x-java-source");
        language.addProperty("file_extension", ".jshell");
        // JupyterLab 3 and 4 and the classic notebook all resolve "java" by name to their Java mode
        language.addProperty("codemirror_mode", "java");
        language.addProperty("pygments_lexer", "java");

        JsonArray links = new JsonArray();
        links.add(link("Java " + Runtime.version().feature() + " API",
                "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/"));
        links.add(link("JShell guide", "https://docs.oracle.com/en/java/javase/"
                + Runtime.version().feature() + "/jshell/introduction-jshell.html"));
        links.add(link("DJL", "https://docs.djl.ai/"));

        JsonObject content = Outbox.ok();
        content.addProperty("protocol_version", MessageFactory.PROTOCOL_VERSION);
        content.addProperty("implementation", "djl-kernel");
        content.addProperty("implementation_version", version);
        content.add("language_info", language);
        content.addProperty("banner", "djl-kernel " + version + " | Java " + javaVersion + " ("
                + System.getProperty("java.vm.name", "JVM") + ") | JShell");
        content.add("help_links", links);
        // JupyterLab's debugger when the JVM carries the JDWP agent (kernel.json from `install`); no subshells
        boolean debugger = io.djlkernel.kernel.debug.DebugAdapter.available();
        JsonArray features = new JsonArray();
        if (debugger) features.add("debugger");
        content.add("supported_features", features);
        content.addProperty("debugger", debugger);
        return content;
    }

    private static JsonObject link(String text, String url) {
        JsonObject link = new JsonObject();
        link.addProperty("text", text);
        link.addProperty("url", url);
        return link;
    }
}
