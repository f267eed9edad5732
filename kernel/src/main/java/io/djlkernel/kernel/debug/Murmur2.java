package io.djlkernel.kernel.debug;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash2 (32 bit) of a string's UTF-8 bytes, unsigned, as JupyterLab's debugger computes a cell's file name
 * ({@code debugInfo} declares the method "Murmur2" and the seed): the kernel must name a cell exactly as the
 * front end does, or breakpoints set in the front end never reach the cell.
 */
final class Murmur2 {
    private static final int M = 0x5bd1e995;

    private Murmur2() {
    }

    static long hash(String text, long seed) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        int length = data.length;
        int h = (int) seed ^ length;
        int i = 0;
        while (length - i >= 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> 24;
            k *= M;
            h = h * M ^ k;
            i += 4;
        }
        switch (length - i) {
            case 3:
                h ^= (data[i + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[i + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[i] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h & 0xffffffffL;
    }
}
