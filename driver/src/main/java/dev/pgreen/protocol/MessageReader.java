package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reads from one message body. Every overrun is a protocol error
 * naming the message, never an {@link ArrayIndexOutOfBoundsException}.
 */
final class MessageReader {
    private final byte[] buf;
    private final int end;
    private final char type;
    private int pos;

    MessageReader(byte[] buf, int start, int end, char type) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.type = type;
    }

    int remaining() {
        return end - pos;
    }

    int position() {
        return pos;
    }

    byte[] buffer() {
        return buf;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw truncated();
        }
    }

    InterfaceException truncated() {
        return new InterfaceException("protocol error: message '" + type + "' is truncated or malformed");
    }

    InterfaceException malformed(String what) {
        return new InterfaceException("protocol error: message '" + type + "': " + what);
    }

    byte int8() {
        need(1);
        return buf[pos++];
    }

    short int16() {
        need(2);
        short v = (short) (((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff));
        pos += 2;
        return v;
    }

    int int32() {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long int64() {
        long hi = int32() & 0xffffffffL;
        long lo = int32() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    /** A NUL-terminated UTF-8 string. */
    String cstring() {
        int start = pos;
        for (int i = pos; i < end; i++) {
            if (buf[i] == 0) {
                pos = i + 1;
                return new String(buf, start, i - start, StandardCharsets.UTF_8);
            }
        }
        throw malformed("string is not NUL-terminated");
    }

    byte[] bytes(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    byte[] rest() {
        return bytes(end - pos);
    }

    void skip(int n) {
        need(n);
        pos += n;
    }

    void expectEnd() {
        if (pos != end) {
            throw malformed((end - pos) + " unexpected trailing bytes");
        }
    }
}
