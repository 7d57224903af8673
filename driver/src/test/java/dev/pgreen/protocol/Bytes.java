package dev.pgreen.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Byte fixtures for protocol tests: builds frames the way the wire carries them
 * (type byte, int32 length patched on {@link #build()}, then the body), feeds
 * them to a {@link BackendDecoder}, and reads back what a {@link FrontendEncoder} wrote.
 */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    /** Offset of the length word to patch, or -1 for raw bytes. */
    private final int lengthAt;

    private Bytes(int lengthAt) {
        this.lengthAt = lengthAt;
    }

    /** A typed frame: the type byte, then a length patched by {@link #build()}. */
    static Bytes frame(char type) {
        Bytes b = new Bytes(1);
        b.int8(type);
        b.int32(0);
        return b;
    }

    /** An untyped frame (StartupMessage, CancelRequest): just the patched length, then the body. */
    static Bytes untyped() {
        Bytes b = new Bytes(0);
        b.int32(0);
        return b;
    }

    /** Bytes with no length to patch, for hand-made malformed input. */
    static Bytes raw() {
        return new Bytes(-1);
    }

    Bytes int8(int v) {
        out.write(v);
        return this;
    }

    Bytes int16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    Bytes int32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    /** UTF-8 then a NUL. */
    Bytes cstring(String s) {
        return string(s).int8(0);
    }

    /** UTF-8 without a terminator. */
    Bytes string(String s) {
        return bytes(utf8(s));
    }

    Bytes bytes(byte... b) {
        out.writeBytes(b);
        return this;
    }

    /** Each value's low byte, so fixtures can write {@code bytes(1, 2, 0xff)}. */
    Bytes bytes(int... b) {
        for (int v : b) {
            out.write(v);
        }
        return this;
    }

    /** The bytes, with the length word (if any) set to count itself and the body. */
    byte[] build() {
        byte[] b = out.toByteArray();
        return lengthAt < 0 ? b : patch(b, b.length - lengthAt);
    }

    /** The bytes with the length word set to {@code declared}, whatever the body holds. */
    byte[] buildWithLength(int declared) {
        if (lengthAt < 0) {
            throw new IllegalStateException("raw bytes have no length word");
        }
        return patch(out.toByteArray(), declared);
    }

    private byte[] patch(byte[] b, int length) {
        ByteBuffer.wrap(b).putInt(lengthAt, length);
        return b;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }

    // ---- common backend frames ----

    static byte[] authentication(int code) {
        return frame('R').int32(code).build();
    }

    static byte[] parameterStatus(String name, String value) {
        return frame('S').cstring(name).cstring(value).build();
    }

    static byte[] backendKeyData(int pid, int key) {
        return frame('K').int32(pid).int32(key).build();
    }

    static byte[] readyForQuery(char status) {
        return frame('Z').int8(status).build();
    }

    static byte[] commandComplete(String tag) {
        return frame('C').cstring(tag).build();
    }

    /** A RowDescription of text columns of type text (oid 25). */
    static byte[] rowDescription(String... names) {
        Bytes b = frame('T').int16(names.length);
        for (String n : names) {
            b.cstring(n).int32(0).int16(0).int32(25).int16(-1).int32(-1).int16(0);
        }
        return b.build();
    }

    /** A DataRow of text values; a null element is SQL NULL. */
    static byte[] dataRow(String... values) {
        Bytes b = frame('D').int16(values.length);
        for (String v : values) {
            if (v == null) {
                b.int32(-1);
            } else {
                byte[] u = utf8(v);
                b.int32(u.length).bytes(u);
            }
        }
        return b.build();
    }

    /** ErrorResponse ('E') or NoticeResponse ('N') from alternating field codes and values. */
    static byte[] fields(char type, Object... codesAndValues) {
        Bytes b = frame(type);
        for (int i = 0; i < codesAndValues.length; i += 2) {
            b.int8((Character) codesAndValues[i]).cstring((String) codesAndValues[i + 1]);
        }
        return b.int8(0).build();
    }

    static byte[] error(String sqlState, String message) {
        return fields('E', 'S', "ERROR", 'V', "ERROR", 'C', sqlState, 'M', message);
    }

    // ---- driving a decoder ----

    /**
     * Feeds {@code data} as a socket would, at most as much as {@link BackendDecoder#buffer()} has
     * room for at a time, draining every complete message after each fill.
     */
    static List<BackendMessage> feed(BackendDecoder decoder, byte[] data) {
        return feed(decoder, data, Integer.MAX_VALUE);
    }

    /** As {@link #feed(BackendDecoder, byte[])}, with reads of at most {@code chunk} bytes. */
    static List<BackendMessage> feed(BackendDecoder decoder, byte[] data, int chunk) {
        List<BackendMessage> messages = new ArrayList<>();
        int at = 0;
        do {
            ByteBuffer buf = decoder.buffer();
            assertTrue(buf.hasRemaining(), "buffer() must have room for at least one byte");
            int n = Math.min(Math.min(buf.remaining(), chunk), data.length - at);
            buf.put(data, at, n);
            at += n;
            for (BackendMessage m = decoder.next(); m != null; m = decoder.next()) {
                messages.add(m);
            }
        } while (at < data.length);
        return messages;
    }

    /** Decodes bytes that must hold exactly one whole message. */
    static BackendMessage decodeOne(byte[] frame) {
        BackendDecoder decoder = new BackendDecoder();
        List<BackendMessage> messages = feed(decoder, frame);
        assertEquals(1, messages.size(), () -> "messages decoded from " + hex(frame));
        assertTrue(!decoder.hasPartialMessage(), "bytes left over after the message");
        assertNull(decoder.next());
        assertNotNull(messages.get(0));
        return messages.get(0);
    }

    /**
     * Record equality that also compares array components by content, which
     * records' own {@code equals} does not.
     */
    static void assertMessageEquals(Object expected, Object actual) {
        assertNotNull(actual, "no message");
        assertEquals(expected.getClass(), actual.getClass());
        if (!expected.getClass().isRecord()) {
            assertEquals(expected, actual);
            return;
        }
        for (RecordComponent c : expected.getClass().getRecordComponents()) {
            Object e;
            Object a;
            try {
                e = c.getAccessor().invoke(expected);
                a = c.getAccessor().invoke(actual);
            } catch (ReflectiveOperationException x) {
                throw new AssertionError(x);
            }
            if (!Objects.deepEquals(e, a)) {
                fail(expected.getClass().getSimpleName() + "." + c.getName() + ": expected " + show(e)
                        + " but was " + show(a));
            }
        }
    }

    static void assertMessagesEqual(List<? extends BackendMessage> expected, List<? extends BackendMessage> actual) {
        assertEquals(expected.size(), actual.size(), () -> "message count; got " + actual);
        for (int i = 0; i < expected.size(); i++) {
            assertMessageEquals(expected.get(i), actual.get(i));
        }
    }

    private static String show(Object o) {
        if (o instanceof byte[] b) return "bytes[" + hex(b) + "]";
        if (o instanceof int[] i) return Arrays.toString(i);
        if (o instanceof short[] s) return Arrays.toString(s);
        return String.valueOf(o);
    }

    // ---- reading an encoder ----

    /** Everything the encoder holds, removed from it as a socket write would. */
    static byte[] drain(FrontendEncoder encoder) {
        ByteBuffer pending = encoder.pending();
        byte[] b = new byte[pending.remaining()];
        pending.get(b);
        encoder.compact();
        return b;
    }

    /** Sends {@code n} bytes of what the encoder holds, keeping the rest there. */
    static byte[] drain(FrontendEncoder encoder, int n) {
        ByteBuffer pending = encoder.pending();
        byte[] b = new byte[Math.min(n, pending.remaining())];
        pending.get(b);
        encoder.compact();
        return b;
    }
}
