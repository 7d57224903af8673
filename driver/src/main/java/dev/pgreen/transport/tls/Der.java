package dev.pgreen.transport.tls;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A tiny reader of DER (ASN.1's distinguished encoding), just enough for the key formats the
 * JDK does not read itself (PKCS#1 RSA and SEC1 EC private keys) and for telling PKCS#8 key
 * algorithms apart. It reads the elements of one constructed value in order; a malformed
 * encoding raises {@link IllegalArgumentException} with what was expected.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    private final byte[] data;
    private int pos;
    private final int end;

    private Der(byte[] data, int start, int end) {
        this.data = data;
        this.pos = start;
        this.end = end;
    }

    /** Reads the single SEQUENCE that {@code der} must consist of, positioned at its first element. */
    static Der sequence(byte[] der) {
        Der outer = new Der(der, 0, der.length);
        Der seq = outer.nextSequence();
        if (outer.hasNext()) {
            throw new IllegalArgumentException("trailing bytes after the DER SEQUENCE");
        }
        return seq;
    }

    /** The CRL number extension (RFC 5280 5.2.3) of {@code crl}, or -1 when it has none. */
    static BigInteger crlNumber(java.security.cert.X509CRL crl) {
        byte[] ext = crl.getExtensionValue("2.5.29.20");
        if (ext == null) {
            return BigInteger.ONE.negate();
        }
        try {
            // The JDK hands the extension over as an OCTET STRING around the DER INTEGER.
            Der outer = new Der(ext, 0, ext.length);
            byte[] inner = outer.nextOctetString();
            return new Der(inner, 0, inner.length).nextInteger();
        } catch (IllegalArgumentException e) {
            return BigInteger.ONE.negate();
        }
    }

    boolean hasNext() {
        return pos < end;
    }

    /** The tag of the next element, or -1 at the end. */
    int peekTag() {
        return pos < end ? data[pos] & 0xff : -1;
    }

    Der nextSequence() {
        int[] span = next(SEQUENCE, "SEQUENCE");
        return new Der(data, span[0], span[1]);
    }

    BigInteger nextInteger() {
        int[] span = next(INTEGER, "INTEGER");
        if (span[1] == span[0]) {
            throw new IllegalArgumentException("empty DER INTEGER");
        }
        return new BigInteger(Arrays.copyOfRange(data, span[0], span[1]));
    }

    byte[] nextOctetString() {
        int[] span = next(OCTET_STRING, "OCTET STRING");
        return Arrays.copyOfRange(data, span[0], span[1]);
    }

    /** The dotted form of the next OBJECT IDENTIFIER, e.g. {@code 1.2.840.10045.3.1.7}. */
    String nextOid() {
        int[] span = next(OID, "OBJECT IDENTIFIER");
        if (span[1] == span[0]) {
            throw new IllegalArgumentException("empty DER OBJECT IDENTIFIER");
        }
        StringBuilder out = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = span[0]; i < span[1]; i++) {
            if (value > (Long.MAX_VALUE >>> 7)) {
                throw new IllegalArgumentException("DER OBJECT IDENTIFIER arc too large");
            }
            value = (value << 7) | (data[i] & 0x7f);
            if ((data[i] & 0x80) == 0) {
                if (first) {
                    int top = value < 80 ? (int) (value / 40) : 2;
                    out.append(top).append('.').append(value - 40L * top);
                    first = false;
                } else {
                    out.append('.').append(value);
                }
                value = 0;
            }
        }
        if ((data[span[1] - 1] & 0x80) != 0) {
            throw new IllegalArgumentException("truncated DER OBJECT IDENTIFIER");
        }
        return out.toString();
    }

    /** The contents of an explicitly tagged context-specific element {@code [number]}, if it is next; else null. */
    Der nextExplicit(int number) {
        int tag = 0xa0 | number;
        if (peekTag() != tag) {
            return null;
        }
        int[] span = next(tag, "[" + number + "]");
        return new Der(data, span[0], span[1]);
    }

    /** Skips the next element, whatever it is. */
    void skip() {
        next(peekTag(), "element");
    }

    /** Reads the header of the next element, which must have {@code tag}; returns [contentStart, contentEnd). */
    private int[] next(int tag, String what) {
        if (pos >= end) {
            throw new IllegalArgumentException("expected a DER " + what + ", found the end of the data");
        }
        int actual = data[pos] & 0xff;
        if (actual != tag) {
            throw new IllegalArgumentException("expected a DER " + what + String.format(" (tag 0x%02x), found tag 0x%02x", tag, actual));
        }
        int i = pos + 1;
        if (i >= end) {
            throw new IllegalArgumentException("truncated DER length");
        }
        int length = data[i++] & 0xff;
        if (length >= 0x80) {
            int bytes = length & 0x7f;
            if (bytes == 0 || bytes > 3 || i + bytes > end) {
                throw new IllegalArgumentException("unsupported or truncated DER length");
            }
            length = 0;
            for (int k = 0; k < bytes; k++) {
                length = (length << 8) | (data[i++] & 0xff);
            }
        }
        if (length > end - i) {
            throw new IllegalArgumentException("DER " + what + " runs past the end of the data");
        }
        pos = i + length;
        return new int[] {i, i + length};
    }
}
