package io.djlkernel.kernel.transport;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Jupyter wire format: {@code identities…, "<IDS|MSG>", signature, header, parent_header, metadata,
 * content, buffers…}. Not thread-safe (it owns a {@link MessageSigner}).
 */
public final class WireCodec {
    public static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    private final MessageSigner signer;

    public WireCodec(MessageSigner signer) {
        this.signer = signer;
    }

    public List<byte[]> encode(Message message) {
        byte[] header = utf8(message.header());
        byte[] parent = utf8(message.parentHeader());
        byte[] metadata = utf8(message.metadata());
        byte[] content = utf8(message.content());
        List<byte[]> frames = new ArrayList<>(message.identities().size() + 6 + message.buffers().size());
        frames.addAll(message.identities());
        frames.add(DELIMITER);
        frames.add(signer.sign(header, parent, metadata, content).getBytes(StandardCharsets.US_ASCII));
        frames.add(header);
        frames.add(parent);
        frames.add(metadata);
        frames.add(content);
        frames.addAll(message.buffers());
        return frames;
    }

    public Message decode(List<byte[]> frames) throws InvalidMessageException {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                delimiter = i;
                break;
            }
        }
        List<byte[]> identities = delimiter < 0 ? List.of() : frames.subList(0, delimiter);
        if (delimiter < 0 || frames.size() < delimiter + 6) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    "expected <IDS|MSG> followed by 5 frames, got " + frames.size() + " frames", identities, null);
        }
        byte[] signature = frames.get(delimiter + 1);
        byte[] header = frames.get(delimiter + 2);
        byte[] parent = frames.get(delimiter + 3);
        byte[] metadata = frames.get(delimiter + 4);
        byte[] content = frames.get(delimiter + 5);
        if (!signer.verify(signature, header, parent, metadata, content)) {
            throw new InvalidMessageException(InvalidMessageException.Reason.BAD_SIGNATURE,
                    "signature does not match", identities, null);
        }
        JsonObject headerJson = parseObject("header", header, identities, null);
        if (!headerJson.has("msg_type") || !headerJson.has("msg_id")) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    "header lacks msg_type or msg_id", identities, headerJson.has("msg_type") ? headerJson : null);
        }
        return new Message(identities,
                headerJson,
                parseObject("parent_header", parent, identities, headerJson),
                parseObject("metadata", metadata, identities, headerJson),
                parseObject("content", content, identities, headerJson),
                frames.subList(delimiter + 6, frames.size()));
    }

    private static JsonObject parseObject(String part, byte[] frame, List<byte[]> identities, JsonObject header)
            throws InvalidMessageException {
        try {
            JsonElement element = JsonParser.parseString(new String(frame, StandardCharsets.UTF_8));
            if (element.isJsonObject()) return element.getAsJsonObject();
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    part + " is not a JSON object", identities, header);
        } catch (JsonParseException | IllegalStateException e) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    part + " is not valid JSON: " + e.getMessage(), identities, header);
        }
    }

    private static byte[] utf8(JsonObject json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
