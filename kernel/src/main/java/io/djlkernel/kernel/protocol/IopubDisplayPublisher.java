package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.api.display.DisplayPublisher;
import io.djlkernel.api.display.MimeBundle;
import io.djlkernel.kernel.io.OutputRouter;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;
import java.util.function.Supplier;

/**
 * Publishes what {@code Display.display(...)} shows under the current cell's parent. Buffered stream output is
 * flushed first, so a print before a display appears before it.
 */
public final class IopubDisplayPublisher implements DisplayPublisher {
    private final Outbox outbox;
    private final OutputRouter output;
    private final Supplier<Message> parent;

    /** @param parent the request output belongs to now (the running cell, else the last one) */
    public IopubDisplayPublisher(Outbox outbox, OutputRouter output, Supplier<Message> parent) {
        this.outbox = outbox;
        this.output = output;
        this.parent = parent;
    }

    @Override
    public void display(MimeBundle bundle, String displayId) {
        publish("display_data", bundle, displayId);
    }

    @Override
    public void update(MimeBundle bundle, String displayId) {
        publish("update_display_data", bundle, displayId);
    }

    @Override
    public void clearOutput(boolean wait) {
        output.flush();
        JsonObject content = new JsonObject();
        content.addProperty("wait", wait);
        outbox.publish(parent.get(), "clear_output", content);
    }

    private void publish(String msgType, MimeBundle bundle, String displayId) {
        output.flush();
        JsonObject content = new JsonObject();
        content.add("data", Json.toJson(bundle.data()));
        content.add("metadata", Json.toJson(bundle.metadata()));
        JsonObject transientPart = new JsonObject();
        if (displayId != null) transientPart.addProperty("display_id", displayId);
        content.add("transient", transientPart);
        outbox.publish(parent.get(), msgType, content);
    }
}
