package io.djlkernel.kernel.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signaturesMatchPythonsHmac() {
        // python: hmac.new(b'secret-key', b'{"a":1}' b'{}' b'{}' b'{"x":"y"}', hashlib.sha256).hexdigest()
        MessageSigner signer = new MessageSigner("hmac-sha256", "secret-key");
        assertEquals("2608dfa80929efb0dfaeb8702c1ca2474b37ae9e57a361cec42fd35157c62c21",
                signer.sign(b("{\"a\":1}"), b("{}"), b("{}"), b("{\"x\":\"y\"}")));
        assertEquals("", new MessageSigner("hmac-sha256", "").sign(b("{}")));
    }

    @Test
    void encodeThenDecodeKeepsEverything() throws InvalidMessageException {
        WireCodec codec = new WireCodec(new MessageSigner("hmac-sha256", "k"));
        MessageFactory factory = new MessageFactory("s", "u");
        JsonObject content = new JsonObject();
        content.addProperty("code", "println(\"héllo ✓\")");
        Message request = factory.request("execute_request", content);
        Message routed = new Message(List.of(b("id-1"), b("id-2")), request.header(), request.parentHeader(),
                request.metadata(), request.content(), List.of(new byte[] {1, 2, 3}));
        Message decoded = codec.decode(codec.encode(routed));
        assertEquals(2, decoded.identities().size());
        assertArrayEquals(b("id-2"), decoded.identities().get(1));
        assertEquals("execute_request", decoded.type());
        assertEquals(request.id(), decoded.id());
        assertEquals("println(\"héllo ✓\")", decoded.content().get("code").getAsString());
        assertArrayEquals(new byte[] {1, 2, 3}, decoded.buffers().get(0));
    }

    @Test
    void aWrongSignatureIsRejectedWithoutReadingTheMessage() {
        WireCodec sender = new WireCodec(new MessageSigner("hmac-sha256", "their-key"));
        WireCodec kernel = new WireCodec(new MessageSigner("hmac-sha256", "our-key"));
        List<byte[]> frames = sender.encode(new MessageFactory("s", "u").request("kernel_info_request", new JsonObject()));
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> kernel.decode(frames));
        assertEquals(InvalidMessageException.Reason.BAD_SIGNATURE, e.reason());
        assertNull(e.header());
    }

    @Test
    void badJsonWithAGoodSignatureKeepsTheHeaderForAnErrorReply() {
        MessageSigner signer = new MessageSigner("hmac-sha256", "k");
        byte[] header = b("{\"msg_id\":\"m\",\"msg_type\":\"execute_request\"}");
        byte[] content = b("{not json");
        List<byte[]> frames = new ArrayList<>(List.of(b("client"), WireCodec.DELIMITER,
                b(signer.sign(header, b("{}"), b("{}"), content)), header, b("{}"), b("{}"), content));
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> new WireCodec(new MessageSigner("hmac-sha256", "k")).decode(frames));
        assertEquals(InvalidMessageException.Reason.MALFORMED, e.reason());
        assertNotNull(e.header());
        assertEquals("m", e.header().get("msg_id").getAsString());
        assertArrayEquals(b("client"), e.identities().get(0));
    }

    @Test
    void framesWithoutDelimiterAreMalformed() {
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> new WireCodec(new MessageSigner("hmac-sha256", "")).decode(List.of(b("x"), b("{}"))));
        assertEquals(InvalidMessageException.Reason.MALFORMED, e.reason());
    }
}
