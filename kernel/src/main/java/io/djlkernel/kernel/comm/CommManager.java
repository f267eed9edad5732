package io.djlkernel.kernel.comm;

import com.google.gson.JsonObject;
import io.djlkernel.api.comm.Comm;
import io.djlkernel.api.comm.CommRegistry;
import io.djlkernel.api.comm.CommTarget;
import io.djlkernel.kernel.transport.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kernel's comms: targets extensions register, and the comms open now. A comm_open for a target nobody
 * registered is answered with a comm_close, as ipykernel does, so the front end never waits on a dead comm.
 */
public final class CommManager implements CommRegistry {
    private static final Logger LOG = Logger.getLogger(CommManager.class.getName());

    /** Publishes comm messages (comm_open, comm_msg, comm_close) on iopub. */
    @FunctionalInterface
    public interface Publisher {
        void publish(String msgType, JsonObject content);
    }

    private final Map<String, CommTarget> targets = new ConcurrentHashMap<>();
    private final Map<String, OpenComm> open = new ConcurrentHashMap<>();
    private volatile Publisher publisher = (type, content) -> LOG.warning("comm message before the kernel started");

    /** Connects this registry to the kernel's iopub; done once by the kernel at start. */
    public void bind(Publisher iopub) {
        this.publisher = iopub;
    }

    @Override
    public void registerTarget(String targetName, CommTarget target) {
        targets.put(targetName, target);
    }

    @Override
    public Comm open(String targetName, Map<String, Object> data) {
        OpenComm comm = new OpenComm(UUID.randomUUID().toString(), targetName);
        open.put(comm.id, comm);
        JsonObject content = comm.content(data);
        content.addProperty("target_name", targetName);
        publisher.publish("comm_open", content);
        return comm;
    }

    /** Open comms (id → target name), only those of {@code targetName} unless it is null. */
    public Map<String, String> openComms(String targetName) {
        Map<String, String> result = new LinkedHashMap<>();
        open.forEach((id, comm) -> {
            if (targetName == null || targetName.equals(comm.targetName)) result.put(id, comm.targetName);
        });
        return result;
    }

    /** Comms whose messages are handled beside the shell queue (their target {@link CommTarget#answersWhileBusy()}). */
    private final java.util.Set<String> besideShell = ConcurrentHashMap.newKeySet();

    /**
     * Decided as each message arrives, in arrival order, so a comm's open, messages and close go the same way and
     * keep their order: whether this comm message is handled beside the shell queue.
     */
    public boolean handledBesideShell(String msgType, JsonObject content) {
        String commId = Json.string(content, "comm_id", "");
        switch (msgType) {
            case "comm_open" -> {
                CommTarget target = targets.get(Json.string(content, "target_name", ""));
                if (target == null || !target.answersWhileBusy()) return false;
                besideShell.add(commId);
                return true;
            }
            case "comm_msg" -> {
                return besideShell.contains(commId);
            }
            case "comm_close" -> {
                return besideShell.remove(commId);
            }
            default -> {
                return false;
            }
        }
    }

    public void onOpen(String commId, String targetName, JsonObject data) {
        CommTarget target = targets.get(targetName);
        OpenComm comm = new OpenComm(commId, targetName);
        if (target == null) {
            LOG.warning(() -> "comm_open for unknown target '" + targetName + "': closing it");
            comm.close(Map.of());
            return;
        }
        open.put(commId, comm);
        try {
            target.opened(comm, Json.toMap(data));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "comm target '" + targetName + "' failed to open comm " + commId, e);
            comm.close(Map.of());
        }
    }

    public void onMessage(String commId, JsonObject data) {
        OpenComm comm = open.get(commId);
        if (comm == null) {
            LOG.warning(() -> "comm_msg for unknown comm " + commId);
            return;
        }
        comm.deliver(comm.messageHandler, data);
    }

    public void onClose(String commId, JsonObject data) {
        OpenComm comm = open.remove(commId);
        if (comm == null) {
            LOG.fine(() -> "comm_close for unknown comm " + commId);
            return;
        }
        comm.deliver(comm.closeHandler, data);
    }

    private final class OpenComm implements Comm {
        private final String id;
        private final String targetName;
        private volatile Consumer<Map<String, Object>> messageHandler;
        private volatile Consumer<Map<String, Object>> closeHandler;

        OpenComm(String id, String targetName) {
            this.id = id;
            this.targetName = targetName;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String targetName() {
            return targetName;
        }

        @Override
        public void send(Map<String, Object> data) {
            if (!isOpen()) throw new IllegalStateException("comm " + id + " is closed");
            publisher.publish("comm_msg", content(data));
        }

        @Override
        public void close(Map<String, Object> data) {
            open.remove(id);
            publisher.publish("comm_close", content(data));
        }

        @Override
        public void onMessage(Consumer<Map<String, Object>> handler) {
            messageHandler = handler;
        }

        @Override
        public void onClose(Consumer<Map<String, Object>> handler) {
            closeHandler = handler;
        }

        @Override
        public boolean isOpen() {
            return open.get(id) == this;
        }

        JsonObject content(Map<String, Object> data) {
            JsonObject content = new JsonObject();
            content.addProperty("comm_id", id);
            content.add("data", Json.toJson(data == null ? Map.of() : data));
            return content;
        }

        void deliver(Consumer<Map<String, Object>> handler, JsonObject data) {
            if (handler == null) return;
            try {
                handler.accept(Json.toMap(data));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "comm " + id + " (" + targetName + ") handler failed", e);
            }
        }
    }
}
