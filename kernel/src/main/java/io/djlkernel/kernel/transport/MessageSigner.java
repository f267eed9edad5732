package io.djlkernel.kernel.transport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC signature of a message's header, parent header, metadata and content frames, hex-encoded. An empty
 * key means messages are unsigned (signature ""), as the protocol allows. Not thread-safe: one per thread.
 */
public final class MessageSigner {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final Mac mac;

    public MessageSigner(String signatureScheme, String key) {
        if (key == null || key.isEmpty()) {
            mac = null;
            return;
        }
        String algorithm = switch (signatureScheme == null ? "" : signatureScheme) {
            case "hmac-sha256", "" -> "HmacSHA256";
            case "hmac-sha384" -> "HmacSHA384";
            case "hmac-sha512" -> "HmacSHA512";
            case "hmac-sha1" -> "HmacSHA1";
            case "hmac-md5" -> "HmacMD5";
            default -> throw new IllegalArgumentException("unsupported signature_scheme: " + signatureScheme);
        };
        try {
            mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with " + signatureScheme, e);
        }
    }

    public boolean signs() {
        return mac != null;
    }

    public String sign(byte[]... frames) {
        if (mac == null) return "";
        for (byte[] frame : frames) mac.update(frame);
        byte[] digest = mac.doFinal();
        char[] hex = new char[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(hex);
    }

    /** Constant-time comparison, so a forger learns nothing from timing. */
    public boolean verify(byte[] signature, byte[]... frames) {
        if (mac == null) return true;
        return MessageDigest.isEqual(sign(frames).getBytes(StandardCharsets.US_ASCII), signature);
    }
}
