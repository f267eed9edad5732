package io.djlkernel.kernel.debug;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Murmur2Test {
    @Test
    void namesACellAsIpykernelAndJupyterLabDo() {
        // ipykernel 6.17 (Debian) answered dumpCell for this cell with /tmp/ipykernel_<pid>/585217653.py
        assertEquals(585217653L, Murmur2.hash("a = 3\nb = a * 2\ns = 'x' + str(b)\nprint(s)", CellSourceMap.HASH_SEED));
    }

    @Test
    void hashesUtf8BytesAndEveryTailLength() {
        // the tail (1-3 bytes after the 4-byte blocks) and multi-byte characters take their own paths
        long[] seen = new long[5];
        String[] texts = {"", "a", "ab", "abc", "é"};
        for (int i = 0; i < texts.length; i++) seen[i] = Murmur2.hash(texts[i], CellSourceMap.HASH_SEED);
        for (int i = 0; i < seen.length; i++) {
            for (int j = i + 1; j < seen.length; j++) assertEquals(false, seen[i] == seen[j], texts[i] + " vs " + texts[j]);
            assertEquals(true, seen[i] >= 0 && seen[i] <= 0xffffffffL);
        }
    }
}
