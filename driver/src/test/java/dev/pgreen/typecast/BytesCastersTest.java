package dev.pgreen.typecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.Typecaster;
import dev.pgreen.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast path: casting straight from a DataRow's bytes, at an offset inside a larger buffer, must give what
 * the String path gives, and never read outside its value. Randomised cases against the JDK's own parsers.
 */
class BytesCastersTest {
    private static final Random RANDOM = new Random(20240603);

    /** The value's bytes between junk that would change the result if it were read. */
    private static Object castInBuffer(Typecaster t, String text) {
        byte[] v = text.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[v.length + 6];
        Arrays.fill(buf, (byte) '9');
        buf[2] = '-';
        buf[buf.length - 3] = '.';
        System.arraycopy(v, 0, buf, 3, v.length);
        return t.cast(buf, 3, v.length, null);
    }

    private static void same(Typecaster t, String text, Object expected) {
        assertEquals(expected, castInBuffer(t, text), text);
        assertEquals(expected, t.cast(text, null), text);
    }

    @Test
    void nullFromBytes() {
        for (Typecaster t : Builtins.ALL) {
            assertNull(t.cast(new byte[0], 0, -1, null), t.name());
            assertNull(t.cast((String) null, null), t.name());
        }
    }

    @Test
    void randomIntegers() {
        for (int i = 0; i < 20_000; i++) {
            int v = switch (i % 4) {
                case 0 -> RANDOM.nextInt();
                case 1 -> RANDOM.nextInt(1000) - 500;
                case 2 -> i % 8 == 2 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                default -> RANDOM.nextInt(1 << 20);
            };
            same(Builtins.INTEGER, Integer.toString(v), v);
            long l = i % 3 == 0 ? RANDOM.nextLong() : i % 3 == 1 ? (long) v : (i % 2 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
            same(Builtins.LONGINTEGER, Long.toString(l), l);
        }
    }

    @ParameterizedTest
    @CsvSource({"2147483648", "-2147483649", "99999999999", "+", "-", "1-", "0x1", "١"})
    void integerOverflowAndJunk(String text) {
        assertThrows(DataException.class, () -> castInBuffer(Builtins.INTEGER, text));
    }

    @ParameterizedTest
    @CsvSource({"9223372036854775808", "-9223372036854775809", "123456789012345678901"})
    void longOverflow(String text) {
        assertThrows(DataException.class, () -> castInBuffer(Builtins.LONGINTEGER, text));
    }

    @Test
    void randomNumerics() {
        for (int i = 0; i < 20_000; i++) {
            int digits = 1 + RANDOM.nextInt(i % 10 == 0 ? 120 : 40);
            StringBuilder sb = new StringBuilder();
            for (int d = 0; d < digits; d++) sb.append((char) ('0' + RANDOM.nextInt(10)));
            BigDecimal expected = new BigDecimal(new BigInteger(sb.toString()), RANDOM.nextInt(digits + 3));
            if (RANDOM.nextBoolean()) expected = expected.negate();
            String text = expected.toPlainString();
            Object got = castInBuffer(Builtins.DECIMAL, text);
            assertEquals(expected, got, text);
            assertEquals(expected.scale(), ((BigDecimal) got).scale(), text);
        }
    }

    @Test
    void numericEdges() {
        for (String s : new String[] {"0", "-0", "0.000", "999999999999999999", "1000000000000000000",
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "0.0000000000000000001",
                "99999999999999999999999999999999999.9", "340282366920938463463374607431768211455",
                "340282366920938463463374607431768211456", "1" + "0".repeat(200), "0." + "0".repeat(300) + "1",
                "142857.142857142857142857", ".5", "1.", "+1.5"}) {
            same(Builtins.DECIMAL, s, new BigDecimal(s));
        }
        same(Builtins.DECIMAL, "NaN", Double.NaN);
        same(Builtins.DECIMAL, "Infinity", Double.POSITIVE_INFINITY);
        same(Builtins.DECIMAL, "-Infinity", Double.NEGATIVE_INFINITY);
        for (String bad : new String[] {"", "-", ".", "1.2.3", "1..2", "--1", "1-", "1 ", "NaNx", "infinity"}) {
            assertThrows(DataException.class, () -> castInBuffer(Builtins.DECIMAL, bad), bad);
        }
    }

    @Test
    void randomFloats() {
        for (int i = 0; i < 5_000; i++) {
            double d = Double.longBitsToDouble(RANDOM.nextLong());
            if (Double.isNaN(d)) continue;
            String text = Double.toString(d).replace("E", "e").replace("Infinity", "Infinity");
            same(Builtins.FLOAT, text, d);
        }
    }

    @Test
    void randomTimestamps() {
        for (int i = 0; i < 20_000; i++) {
            int year = switch (i % 5) {
                case 0 -> 1 + RANDOM.nextInt(9999);
                case 1 -> 1900 + RANDOM.nextInt(200);
                case 2 -> -4712 + RANDOM.nextInt(4713);        // BC, year 0 included
                case 3 -> 10000 + RANDOM.nextInt(284000);      // five and six digits
                default -> 1970 + RANDOM.nextInt(100);
            };
            LocalDateTime ldt = LocalDateTime.of(year, 1, 1, 0, 0).plusSeconds(RANDOM.nextInt(365 * 86400))
                    .withNano(RANDOM.nextInt(1_000_000) * 1000 * (i % 3 == 0 ? 0 : 1));
            int offsetSeconds = switch (i % 4) {
                case 0 -> 0;
                case 1 -> (RANDOM.nextInt(57) - 28) * 1800;     // whole and half hours
                case 2 -> (RANDOM.nextInt(97) - 48) * 900;      // quarter hours
                default -> RANDOM.nextInt(2 * 15 * 3600) - 15 * 3600; // seconds, as LMT offsets have
            };
            ZoneOffset z = ZoneOffset.ofTotalSeconds(offsetSeconds);
            same(Builtins.DATETIMETZ, pgTimestamp(ldt) + pgOffset(z) + era(ldt.getYear()), OffsetDateTime.of(ldt, z));
            same(Builtins.DATETIME, pgTimestamp(ldt) + era(ldt.getYear()), ldt);
            same(Builtins.DATE, pgDate(ldt.toLocalDate()) + era(ldt.getYear()), ldt.toLocalDate());
        }
    }

    @Test
    void timestamptzFastPathRejectsWhatTheGeneralParserRejects() {
        for (String bad : new String[] {"2024-02-30 00:00:00+00", "2023-02-29 00:00:00+00", "2024-13-01 00:00:00+00",
                "2024-01-01 25:00:00+00", "2024-01-01 00:60:00+00", "2024-01-01 00:00:60+00", "2024-01-01 00:00:00+19",
                "2024-01-01 00:00:00+18:30", "2024-01-01 00:00:00.+00", "2024-01-01 00:00:00+0a", "2024-0a-01 00:00:00+00",
                "2024-01-01 00:00:00+01:", "2024-01-01 00:00:00+01:00:", "2024-01-01 00:00:00.1234567890+00",
                "2024-01-01 00:00:00x00", "20a4-01-01 00:00:00+00", "2a24-01-01 00:00:00+00", "2024-01-01 00:00:00+18:0a",
                "2024-01-01 00:00:00+01:00:0a", "2024-01-01 0a:00:00+00", "2024-01-01 00:00:0a+00",
                "2024-01-01 00:00:00.12a+00"}) {
            assertThrows(DataException.class, () -> castInBuffer(Builtins.DATETIMETZ, bad), bad);
            String local = bad.substring(0, Math.min(bad.length(), bad.indexOf('+', 19) < 0 ? bad.length() : bad.indexOf('+', 19)));
            if (!local.equals("2024-01-01 00:00:00") && !local.equals("2024-01-01 00:00:00.1234567890")) {
                assertThrows(DataException.class, () -> castInBuffer(Builtins.DATETIME, local), local);
            }
        }
        for (String bad : new String[] {"20a4-01-01", "2a24-01-01", "2024-0a-01", "2024-01-0a", "2024-02-30", "0000-01-01"}) {
            assertThrows(DataException.class, () -> castInBuffer(Builtins.DATE, bad), bad);
        }
        same(Builtins.DATETIMETZ, "2024-02-29 24:00:00+00", OffsetDateTime.of(2024, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        same(Builtins.DATETIMETZ, "2024-01-01 00:00:00.123456789+18",
                OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 123_456_789, ZoneOffset.ofHours(18)));
        same(Builtins.DATETIMETZ, "2024-01-01 00:00:00-18",
                OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-18)));
    }

    @Test
    void uuids() {
        for (int i = 0; i < 2_000; i++) {
            UUID u = i == 0 ? new UUID(-1, -1) : i == 1 ? new UUID(0, 0) : UUID.randomUUID();
            same(Builtins.UUID, u.toString(), u);
            same(Builtins.UUID, u.toString().toUpperCase(Locale.ROOT), u);
        }
        for (String bad : new String[] {"", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g", "a0eebc999c0b4ef8bb6d6bb9bd380a11x",
                "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}) {
            assertThrows(DataException.class, () -> castInBuffer(Builtins.UUID, bad), bad);
        }
    }

    @Test
    void randomBytea() {
        for (int i = 0; i < 2_000; i++) {
            byte[] data = new byte[RANDOM.nextInt(64)];
            RANDOM.nextBytes(data);
            assertArrayEquals(data, (byte[]) castInBuffer(Builtins.BINARY, "\\x" + HexFormat.of().formatHex(data)));
        }
        assertThrows(DataException.class, () -> castInBuffer(Builtins.BINARY, "\\400"));
    }

    @Test
    void textKeepsEveryCharacter() {
        for (int i = 0; i < 2_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = RANDOM.nextInt(20); n > 0; n--) {
                int cp = RANDOM.nextInt(Character.MAX_CODE_POINT + 1);
                if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) continue;
                sb.appendCodePoint(cp);
            }
            same(Builtins.UNICODE, sb.toString(), sb.toString());
        }
    }

    @Test
    void arraysFromBytesAtAnOffset() {
        assertEquals(List.of(List.of(1, 2), List.of(3, 4)), castInBuffer(Builtins.INTEGERARRAY, "[0:1][1:2]={{1,2},{3,4}}"));
        assertEquals(Arrays.asList("a\"b", null, "NULL", "c\\d", "\u00e9,"),
                castInBuffer(Builtins.UNICODEARRAY, "{\"a\\\"b\",NULL,\"NULL\",\"c\\\\d\",\"\u00e9,\"}"));
        assertEquals(Arrays.asList(null, 5), castInBuffer(Builtins.INTEGERARRAY, "{null,5}"), "NULL in any case, as array_in");
        assertEquals(List.of(new BigDecimal("1.10")), castInBuffer(Builtins.DECIMALARRAY, "{ 1.10 }"));
        assertThrows(DataException.class, () -> castInBuffer(Builtins.INTEGERARRAY, "{1,2"));
    }

    @Test
    void aUserCasterGetsTheDecodedString() {
        List<String> seen = new ArrayList<>();
        Typecaster t = new Typecaster(new int[] {1}, "SEEN", (v, c) -> {
            seen.add(v);
            return v;
        });
        assertEquals("h\u00e9", castInBuffer(t, "h\u00e9"));
        assertNull(t.cast(new byte[0], 0, -1, null));
        assertEquals(Arrays.asList("h\u00e9", null), seen);
        // and as the element of an array, quoted or not
        Typecaster array = Builtins.arrayOf(new int[] {2}, "SEENARRAY", t);
        assertEquals(Arrays.asList("x", "y z", null), castInBuffer(array, "{x,\"y z\",NULL}"));
    }

    @Test
    void errorMessagesQuoteTheValue() {
        var e = assertThrows(DataException.class, () -> castInBuffer(Builtins.INTEGER, "12a"));
        assertTrue(e.getMessage().contains("\"12a\""), e.getMessage());
        var d = assertThrows(DataException.class, () -> castInBuffer(Builtins.DATETIMETZ, "2024-02-30 00:00:00+00"));
        assertTrue(d.getMessage().contains("\"2024-02-30 00:00:00+00\""), d.getMessage());
    }

    // ---- the server's text forms ----

    static String pgDate(LocalDate d) {
        int y = d.getYear() > 0 ? d.getYear() : 1 - d.getYear();
        return String.format(Locale.ROOT, "%04d-%02d-%02d", y, d.getMonthValue(), d.getDayOfMonth());
    }

    static String pgTimestamp(LocalDateTime t) {
        String s = pgDate(t.toLocalDate()) + String.format(Locale.ROOT, " %02d:%02d:%02d", t.getHour(), t.getMinute(),
                t.getSecond());
        if (t.getNano() != 0) {
            String frac = String.format(Locale.ROOT, "%06d", t.getNano() / 1000);
            s += "." + frac.replaceAll("0+$", "");
        }
        return s;
    }

    static String pgOffset(ZoneOffset z) {
        int total = z.getTotalSeconds();
        int a = Math.abs(total);
        String s = (total < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", a / 3600);
        if (a % 3600 != 0) s += String.format(Locale.ROOT, ":%02d", a / 60 % 60);
        if (a % 60 != 0) s += String.format(Locale.ROOT, ":%02d", a % 60);
        return s;
    }

    static String era(int year) {
        return year <= 0 ? " BC" : "";
    }
}
