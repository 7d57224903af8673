package dev.pgreen.typecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgreen.errors.DataException;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The binary numeric reader against the text one, without a server: values written as numeric_send writes them
 * (base-10000 digits, weight, sign, display scale) must read into the BigDecimal the text numeric_out writes for
 * them reads into, scale included. Randomised from a fixed seed, at an offset inside a larger buffer.
 */
class BinaryReadersTest {
    private static final Random RANDOM = new Random(20261205);

    /** numeric_send of {@code v} with display scale {@code v.scale()} (at least 0), trailing zero digits trimmed. */
    private static byte[] send(BigDecimal v) {
        int dscale = Math.max(0, v.scale());
        BigInteger magnitude = v.abs().setScale(dscale).unscaledValue();
        // Align the scale to whole base-10000 digits: pad the fraction to a multiple of 4.
        int pad = (4 - dscale % 4) % 4;
        String digits = magnitude.multiply(BigInteger.TEN.pow(pad)).toString();
        int fractionGroups = (dscale + pad) / 4;
        int lead = (4 - digits.length() % 4) % 4;
        digits = "0".repeat(lead) + digits;
        List<Integer> groups = new ArrayList<>();
        for (int i = 0; i < digits.length(); i += 4) {
            groups.add(Integer.parseInt(digits.substring(i, i + 4)));
        }
        int weight = groups.size() - fractionGroups - 1;
        while (!groups.isEmpty() && groups.getFirst() == 0) {
            groups.removeFirst();
            weight--;
        }
        while (!groups.isEmpty() && groups.getLast() == 0) {
            groups.removeLast();
        }
        if (groups.isEmpty()) {
            weight = 0;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        short16(out, groups.size());
        short16(out, weight);
        short16(out, v.signum() < 0 ? 0x4000 : 0);
        short16(out, dscale);
        for (int g : groups) {
            short16(out, g);
        }
        return out.toByteArray();
    }

    private static void short16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }

    /** Reads {@code value} between junk bytes, as a DataRow holds it. */
    private static Object read(byte[] value) {
        byte[] buf = new byte[value.length + 7];
        RANDOM.nextBytes(buf);
        System.arraycopy(value, 0, buf, 3, value.length);
        return ScalarCasters.numericBinary(buf, 3, value.length);
    }

    private static void same(BigDecimal v) {
        BigDecimal display = v.scale() < 0 ? v.setScale(0) : v;
        String text = display.toPlainString();
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        Object fromText = ScalarCasters.numeric(t, 0, t.length);
        Object fromBinary = read(send(display));
        assertEquals(fromText, fromBinary, text);
        assertEquals(((BigDecimal) fromText).scale(), ((BigDecimal) fromBinary).scale(), text);
    }

    @Test
    void edges() {
        for (String s : new String[] {"0", "0.000", "1", "-1", "9999", "10000", "10001", "0.0001", "0.00010",
                "1.10", "-1.5", "100000000", "99999999999999999999999999999999", "100000000000000000000000000000000",
                "-12345678901234567890123456789012345678901234567890.0000000001", "1" + "0".repeat(200),
                "0." + "0".repeat(300) + "1", "142857.14285714285714285714", "0.14285714285714285714",
                "9223372036854775807", "9223372036854775808", "-9223372036854775808"}) {
            same(new BigDecimal(s));
        }
    }

    @Test
    void randomValues() {
        for (int i = 0; i < 20_000; i++) {
            BigInteger unscaled = new BigInteger(1 + RANDOM.nextInt(i % 10 == 0 ? 400 : 120), RANDOM);
            if (RANDOM.nextBoolean()) unscaled = unscaled.negate();
            int scale = RANDOM.nextInt(i % 7 == 0 ? 60 : 25);
            if (RANDOM.nextInt(4) == 0) {
                // Trailing zeros the display scale keeps.
                unscaled = unscaled.multiply(BigInteger.TEN.pow(RANDOM.nextInt(6)));
            }
            same(new BigDecimal(unscaled, scale));
        }
    }

    @Test
    void specialsAndTruncation() {
        byte[] nan = {0, 0, 0, 0, (byte) 0xC0, 0, 0, 0};
        byte[] inf = {0, 0, 0, 0, (byte) 0xD0, 0, 0, 0};
        byte[] ninf = {0, 0, 0, 0, (byte) 0xF0, 0, 0, 0};
        assertEquals(Double.NaN, read(nan));
        assertEquals(Double.POSITIVE_INFINITY, read(inf));
        assertEquals(Double.NEGATIVE_INFINITY, read(ninf));
        // 1.2345 with display scale 2: numeric_out writes the digits it has up to the scale, "1.23".
        byte[] longer = {0, 2, 0, 0, 0, 0, 0, 2, 0, 1, 0x09, 0x29};
        assertEquals(new BigDecimal("1.23"), read(longer));
        assertEquals(new BigDecimal("1.2345").setScale(2, RoundingMode.DOWN), read(longer));
        assertThrows(DataException.class, () -> read(new byte[] {0, 1, 0, 0, 0, 0, 0, 0}), "a digit missing");
        assertThrows(DataException.class, () -> read(new byte[] {0, 0, 0, 0, 0x12, 0, 0, 0}), "a bad sign");
        assertThrows(DataException.class, () -> read(new byte[] {0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10}), "10000");
    }
}
