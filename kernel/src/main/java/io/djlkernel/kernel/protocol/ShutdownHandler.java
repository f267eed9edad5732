package io.djlkernel.kernel.protocol;

import com.google.gson.JsonObject;
import io.djlkernel.kernel.transport.Channel;
import io.djlkernel.kernel.transport.Json;
import io.djlkernel.kernel.transport.Message;

/** shutdown_request (control or shell): replies first, then asks the kernel to stop; {@code restart} is echoed. */
public final class ShutdownHandler implements RequestHandler {
    private final Outbox outbox;
    private final Runnable shutdown;

    /** @param shutdown stops the kernel; must return at once (the kernel does the work on its own thread) */
    public ShutdownHandler(Outbox outbox, Runnable shutdown) {
        this.outbox = outbox;
        this.shutdown = shutdown;
    }

    @Override
    public void handle(Channel channel, Message request) {
        JsonObject reply = Outbox.ok();
        reply.addProperty("restart", Json.bool(request.content(), "restart", false));
        outbox.reply(channel, request, reply);
        shutdown.run();
    }
}
