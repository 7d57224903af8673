package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked reads from one message body. Every overrun is a protocol error
 * naming the message, never an {@link ArrayIndexOutOfBoundsException}. The
 * decoder keeps one and {@link #reset}s it for each message: nothing a message
 * decodes to refers to it.
 */
final class MessageReader {
    private byte[] buf;
    private int end;
    private char type;
    private int pos;

    MessageReader() {
    }

    MessageReader(byte[] buf, int start, int end, char type) {
        reset(buf, start, end, type);
    }

    /** Reads the body {@code buf[start, end)} of a message of {@code type} from now on. */
    MessageReader reset(byte[] buf, int start, int end, char type) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.type = type;
        return this;
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

    /** The length of the NUL-terminated string at the position, its NUL not counted; reads nothing. */
    int cstringLength() {
        for (int i = pos; i < end; i++) {
            if (buf[i] == 0) {
                return i - pos;
            }
        }
        throw malformed("string is not NUL-terminated");
    }

    /** A NUL-terminated UTF-8 string. */
    String cstring() {
        int length = cstringLength();
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length + 1;
        return s;
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
