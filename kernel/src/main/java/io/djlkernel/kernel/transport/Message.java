package io.djlkernel.kernel.transport;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * One Jupyter message as it travels: the ZeroMQ routing identities (or, on iopub, the topic), the four JSON
 * parts, and binary buffers. Mutable JSON trees, so handlers build content in place; treat a message as
 * immutable once it is handed to a {@link Transport}.
 */
public final class Message {
    private final List<byte[]> identities;
    private final JsonObject header;
    private final JsonObject parentHeader;
    private final JsonObject metadata;
    private final JsonObject content;
    private final List<byte[]> buffers;

    public Message(List<byte[]> identities, JsonObject header, JsonObject parentHeader, JsonObject metadata,
                   JsonObject content, List<byte[]> buffers) {
        this.identities = List.copyOf(identities);
        this.header = header;
        this.parentHeader = parentHeader == null ? new JsonObject() : parentHeader;
        this.metadata = metadata == null ? new JsonObject() : metadata;
        this.content = content == null ? new JsonObject() : content;
        this.buffers = List.copyOf(buffers);
    }

    public List<byte[]> identities() {
        return identities;
    }

    public JsonObject header() {
        return header;
    }

    public JsonObject parentHeader() {
        return parentHeader;
    }

    public JsonObject metadata() {
        return metadata;
    }

    public JsonObject content() {
        return content;
    }

    public List<byte[]> buffers() {
        return buffers;
    }

    public String type() {
        return Json.string(header, "msg_type", "");
    }

    public String id() {
        return Json.string(header, "msg_id", "");
    }

    /** The msg_id of the message this one answers or was caused by ("" when none). */
    public String parentId() {
        return Json.string(parentHeader, "msg_id", "");
    }

    @Override
    public String toString() {
        return type() + "[" + id() + "]";
    }
}
