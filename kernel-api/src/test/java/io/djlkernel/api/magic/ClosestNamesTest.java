package io.djlkernel.api.magic;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClosestNamesTest {
    @Test
    void countsEditsIgnoringCase() {
        assertEquals(0, ClosestNames.distance("Maven", "maven"));
        assertEquals(1, ClosestNames.distance("mavn", "maven"));
        assertEquals(2, ClosestNames.distance("tmie", "time"));
        assertEquals(4, ClosestNames.distance("", "time"));
    }
}
