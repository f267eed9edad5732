package io.djlkernel.kernel.transport;

import com.google.gson.JsonObject;
import java.util.List;

/** Frames that are not a valid message. Carries what could still be read, so a reply can say why. */
public final class InvalidMessageException extends Exception {
    public enum Reason { BAD_SIGNATURE, MALFORMED }

    private final Reason reason;
    private final transient List<byte[]> identities;
    private final transient JsonObject header;

    public InvalidMessageException(Reason reason, String detail, List<byte[]> identities, JsonObject header) {
        super(detail);
        this.reason = reason;
        this.identities = List.copyOf(identities);
        this.header = header;
    }

    public Reason reason() {
        return reason;
    }

    public List<byte[]> identities() {
        return identities;
    }

    /** The header, when it was signed correctly and parsed; null otherwise. */
    public JsonObject header() {
        return header;
    }
}
