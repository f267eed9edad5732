package io.djlkernel.djl.serving;

/**
 * 8-bit pixels, interleaved, rows top to bottom: what a decoded image gives the resize. {@code channels} is 1
 * (gray), 2 (gray, alpha), 3 or 4 (colour, then alpha); {@code bgr} says whether colour is stored B, G, R.
 */
record Pixels(int width, int height, int channels, boolean bgr, byte[] data) {
    Pixels {
        if ((long) width * height * channels > data.length) throw new IllegalArgumentException("pixel data too short");
    }

    boolean hasAlpha() {
        return channels == 2 || channels == 4;
    }
}
