package io.djlkernel.kernel.protocol;

/**
 * Jupyter counts cursor positions in Unicode code points (protocol 5.2+); Java strings index UTF-16 chars.
 * Convert at the protocol boundary so an emoji before the cursor does not shift completions.
 */
final class CursorPositions {
    private CursorPositions() {
    }

    static int toCharIndex(String code, int codePoints) {
        int total = code.codePointCount(0, code.length());
        if (codePoints < 0 || codePoints > total) return code.length();
        return code.offsetByCodePoints(0, codePoints);
    }

    static int toCodePoints(String code, int charIndex) {
        return code.codePointCount(0, Math.max(0, Math.min(charIndex, code.length())));
    }
}
