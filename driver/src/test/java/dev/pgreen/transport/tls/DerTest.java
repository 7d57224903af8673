package dev.pgreen.transport.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** Byte fixtures for the DER reader. */
class DerTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void readsTheElementsOfASequenceInOrder() {
        // SEQUENCE { INTEGER 1, OCTET STRING 0xabcd, [0] { OID 1.2.840.10045.3.1.7 } }
        Der d = Der.sequence(hex("30 13 02 01 01 04 02 ab cd a0 0a 06 08 2a 86 48 ce 3d 03 01 07"));
        assertEquals(BigInteger.ONE, d.nextInteger());
        assertArrayEquals(hex("abcd"), d.nextOctetString());
        assertNull(d.nextExplicit(1), "[1] is not next");
        Der params = d.nextExplicit(0);
        assertEquals("1.2.840.10045.3.1.7", params.nextOid());
        assertFalse(d.hasNext());
    }

    @Test
    void longLengthsAndNegativeIntegers() {
        byte[] body = new byte[200];
        body[0] = (byte) 0x80;
        byte[] der = new byte[3 + 3 + 200];
        System.arraycopy(hex("30 81 cb 02 81 c8"), 0, der, 0, 6);
        System.arraycopy(body, 0, der, 6, 200);
        assertEquals(-1, Der.sequence(der).nextInteger().signum(), "DER integers are two's complement");
    }

    @ParameterizedTest
    @CsvSource({
            "06 03 2b 65 70, 1.3.101.112",
            "06 09 2a 86 48 86 f7 0d 01 01 01, 1.2.840.113549.1.1.1",
            "06 03 88 37 03, 2.999.3",
    })
    void objectIdentifiers(String der, String oid) {
        assertEquals(oid, Der.sequence(hex("30 " + String.format("%02x", hex(der).length) + der)).nextOid());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "30 02 02 01                | DER INTEGER runs past the end of the data",
            "30 03 02 01                | DER SEQUENCE runs past the end of the data",
            "30 02 04 00 00             | trailing bytes after the DER SEQUENCE",
            "31 00                      | expected a DER SEQUENCE (tag 0x30), found tag 0x31",
            "30 03 04 01 00             | expected a DER INTEGER (tag 0x02), found tag 0x04",
            "30 04 02 84 00 00          | unsupported or truncated DER length",
    })
    void malformedEncodingsSayWhatWasExpected(String der, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Der.sequence(hex(der)).nextInteger());
        assertEquals(message, e.getMessage());
    }
}
