package dev.pgreen.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The text of server-side parameters; integers are written as digits without a String in between. */
class ServerParametersTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, -1, 9, 10, -10, 99, 100, 1234567890, -987654321, Integer.MAX_VALUE,
            Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1})
    void integersAreTheirDecimalDigits(long v) {
        assertEquals(Long.toString(v), text(v));
        if (v == (int) v) {
            assertEquals(Integer.toString((int) v), text((int) v));
        }
        if (v == (short) v) {
            assertEquals(Short.toString((short) v), text((short) v));
        }
        if (v == (byte) v) {
            assertEquals(Byte.toString((byte) v), text((byte) v));
        }
    }

    @Test
    void otherValuesAsTheirText() {
        assertNull(ServerParameters.encode(null));
        assertEquals("t", text(true));
        assertEquals("é€", text("é€"));
        assertEquals("{\"a\": 1}", text(new Json("{\"a\": 1}")));
    }

    private static String text(Object v) {
        return new String(ServerParameters.encode(v), StandardCharsets.UTF_8);
    }
}
