package dev.pgreen.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes frontend messages into one outbound buffer. Each message writes a
 * length placeholder and patches it when the body is done.
 */
public final class FrontendEncoder {
    private static final int PROTOCOL_3_0 = 196608;
    private static final int CANCEL_REQUEST_CODE = 80877102;

    private static final int INITIAL_CAPACITY = 8 * 1024;
    /**
     * Once everything is sent, a buffer larger than this is replaced by one of INITIAL_CAPACITY: a large query or
     * parameter must not pin its size for the life of the session, and ordinary queries never come near it.
     */
    static final int RETAINED_CAPACITY = 1024 * 1024;

    private ByteBuffer out = ByteBuffer.allocate(INITIAL_CAPACITY);
    private int lengthAt;
    /** Where the message being written starts, to drop it whole if it is rejected half-way. */
    private int messageStart;

    /** The buffer holding what is still to be sent, in read mode; call {@link #compact()} after draining it. */
    public ByteBuffer pending() {
        return out.flip();
    }

    /** Returns the buffer to write mode, keeping any bytes not yet sent. */
    public void compact() {
        out.compact();
        if (out.position() == 0 && out.capacity() > RETAINED_CAPACITY) {
            out = ByteBuffer.allocate(INITIAL_CAPACITY);
        }
    }

    /** The send buffer's capacity: what an idle session keeps. */
    public int capacity() {
        return out.capacity();
    }

    public boolean isEmpty() {
        return out.position() == 0;
    }

    /** Bytes written and not yet sent. */
    public int size() {
        return out.position();
    }

    private void ensure(int n) {
        if (out.remaining() < n) {
            int needed = out.position() + n;
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, needed));
            bigger.put(out.flip());
            out = bigger;
        }
    }

    private void begin(char type) {
        ensure(5);
        messageStart = out.position();
        out.put((byte) type);
        lengthAt = out.position();
        out.putInt(0);
    }

    private void beginUntyped() {
        ensure(4);
        messageStart = out.position();
        lengthAt = out.position();
        out.putInt(0);
    }

    private void end() {
        out.putInt(lengthAt, out.position() - lengthAt);
    }

    private void int32(int v) {
        ensure(4);
        out.putInt(v);
    }

    private void int16(int v) {
        ensure(2);
        out.putShort((short) v);
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        out.put(b);
    }

    private void cstring(String s) {
        if (s.isEmpty()) {
            // The unnamed portal and statement, named in every Bind, Describe and Execute.
            ensure(1);
            out.put((byte) 0);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if (x == 0) {
                // Drop what was written of this message, or the server would read a frame with length 0.
                out.position(messageStart);
                throw new IllegalArgumentException("a protocol string cannot contain a NUL character");
            }
        }
        ensure(b.length + 1);
        out.put(b).put((byte) 0);
    }

    public void startup(Map<String, String> parameters) {
        beginUntyped();
        int32(PROTOCOL_3_0);
        parameters.forEach((k, v) -> {
            cstring(k);
            cstring(v);
        });
        ensure(1);
        out.put((byte) 0);
        end();
    }

    /** PasswordMessage: a cleartext or MD5-hashed password, NUL-terminated. */
    public void password(byte[] password) {
        begin('p');
        bytes(password);
        ensure(1);
        out.put((byte) 0);
        end();
    }

    public void saslInitialResponse(String mechanism, byte[] data) {
        begin('p');
        cstring(mechanism);
        int32(data.length);
        bytes(data);
        end();
    }

    public void saslResponse(byte[] data) {
        begin('p');
        bytes(data);
        end();
    }

    public void query(String sql) {
        begin('Q');
        cstring(sql);
        end();
    }

    public void copyData(byte[] data, int offset, int length) {
        begin('d');
        ensure(length);
        out.put(data, offset, length);
        end();
    }

    public void copyDone() {
        begin('c');
        end();
    }

    public void copyFail(String message) {
        begin('f');
        cstring(message);
        end();
    }

    /** Parse: a prepared statement (unnamed when {@code name} is empty), parameter types left to the server. */
    public void parse(String name, String sql) {
        parse(name, sql, null);
    }

    /** Parse with the parameters' type OIDs (0: left to the server); null or empty leaves them all to it. */
    public void parse(String name, String sql, int[] types) {
        begin('P');
        cstring(name);
        cstring(sql);
        int n = types == null ? 0 : types.length;
        int16(n);
        for (int i = 0; i < n; i++) {
            int32(types[i]);
        }
        end();
    }

    /** Describe a prepared statement: the server answers ParameterDescription, then RowDescription or NoData. */
    public void describeStatement(String name) {
        named('D', 'S', name);
    }

    /** Bind: the unnamed portal over statement {@code name}, text parameters (null for NULL), text results. */
    public void bind(String name, byte[][] params) {
        begin('B');
        cstring("");
        cstring(name);
        bindValues(params);
    }

    /** {@link #bind(String, byte[][])} with the statement's name already in UTF-8 (no NUL, unterminated). */
    public void bind(byte[] name, byte[][] params) {
        bind(name, params, null);
    }

    /**
     * {@link #bind(byte[], byte[][])} with each result column's format (0 text, 1 binary); null: all text.
     */
    public void bind(byte[] name, byte[][] params, short[] resultFormats) {
        begin('B');
        cstring("");
        ensure(name.length + 1);
        out.put(name).put((byte) 0);
        bindValues(params, resultFormats);
    }

    private void bindValues(byte[][] params) {
        bindValues(params, null);
    }

    private void bindValues(byte[][] params, short[] resultFormats) {
        int16(0);
        int16(params.length);
        for (byte[] p : params) {
            if (p == null) {
                int32(-1);
            } else {
                int32(p.length);
                bytes(p);
            }
        }
        writeFormats(resultFormats);
        end();
    }

    /** Result formats: none for all text, one for all alike, else one per column. */
    private void writeFormats(short[] formats) {
        if (formats == null) {
            int16(0);
            return;
        }
        boolean alike = true;
        for (short f : formats) {
            alike &= f == formats[0];
        }
        if (alike && formats.length > 0) {
            int16(1);
            int16(formats[0]);
            return;
        }
        int16(formats.length);
        for (short f : formats) {
            int16(f);
        }
    }

    /** Close a prepared statement; closing one that does not exist is no error. */
    public void closeStatement(String name) {
        named('C', 'S', name);
    }

    /** Describe the unnamed portal: the server answers RowDescription or NoData. */
    public void describePortal() {
        named('D', 'P', "");
    }

    /** Describe or Close ({@code type}) of the statement ('S') or portal ('P') {@code name}. */
    private void named(char type, char kind, String name) {
        begin(type);
        ensure(1);
        out.put((byte) kind);
        cstring(name);
        end();
    }

    /** Execute the unnamed portal to completion. */
    public void execute() {
        begin('E');
        cstring("");
        int32(0);
        end();
    }

    /** Flush: the server sends what it has answered so far, without the Sync that would end the statement. */
    public void flush() {
        begin('H');
        end();
    }

    public void sync() {
        begin('S');
        end();
    }

    public void terminate() {
        begin('X');
        end();
    }

    /** The 16-byte CancelRequest, sent on its own connection. */
    public static byte[] cancelRequest(int processId, int secretKey) {
        return ByteBuffer.allocate(16).putInt(16).putInt(CANCEL_REQUEST_CODE)
                .putInt(processId).putInt(secretKey).array();
    }
}
