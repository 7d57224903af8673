package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.protocol.BackendMessage.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the server's byte stream into frames and decodes each into a
 * {@link BackendMessage}. Sans-IO: the caller fills {@link #buffer()} from
 * wherever the bytes come from and calls {@link #next()} until it returns null.
 *
 * <p>A frame is consumed whole even when decoding its body fails, so a bad
 * message can never desynchronise the stream. A header no server message can
 * have (an unknown type, a fixed-size message of another length, an absurd
 * length) is a protocol error as soon as it arrives, before its body: the
 * decoder then stays on it.
 */
public final class BackendDecoder {
    /** Larger than any legitimate message (1 GiB field limit plus headers); guards against garbage lengths. */
    private static final int MAX_FRAME = 0x4000_0000 + 1024;
    private static final int INITIAL_CAPACITY = 16 * 1024;

    private ByteBuffer buf = ByteBuffer.allocate(INITIAL_CAPACITY);
    /** Index of the first byte not yet decoded; bytes [readIndex, buf.position()) are pending. */
    private int readIndex;

    /** The buffer to read into, in write mode, with room for at least one more byte. */
    public ByteBuffer buffer() {
        if (!buf.hasRemaining()) {
            compactOrGrow(readIndex > 0 ? buf.capacity() : grownCapacity());
        }
        return buf;
    }

    /**
     * Twice the capacity, but no more than the frame being received needs. The
     * buffer grows with the bytes that actually arrive rather than with the
     * declared length, so a corrupt 5-byte header cannot make it reserve up to
     * a gigabyte.
     */
    private int grownCapacity() {
        int doubled = (int) Math.min(2L * buf.capacity(), MAX_FRAME + 1L);
        if (buf.position() - readIndex >= 5) {
            int length = frameLength(buf.array(), readIndex);
            if (length >= 4 && length <= MAX_FRAME && 1 + length > buf.capacity()) {
                return Math.min(doubled, 1 + length);
            }
        }
        return doubled;
    }

    private static int frameLength(byte[] a, int at) {
        return ((a[at + 1] & 0xff) << 24) | ((a[at + 2] & 0xff) << 16)
                | ((a[at + 3] & 0xff) << 8) | (a[at + 4] & 0xff);
    }

    /** Whether bytes have been received that do not yet form a whole message. */
    public boolean hasPartialMessage() {
        return buf.position() > readIndex;
    }

    /** The next complete message, or null when more bytes are needed. */
    public BackendMessage next() {
        int available = buf.position() - readIndex;
        if (available < 5) {
            compactIfEmpty();
            return null;
        }
        byte[] a = buf.array();
        char type = (char) (a[readIndex] & 0xff);
        int length = frameLength(a, readIndex);
        // Judged on the header alone: waiting for the body of a frame no server sends could wait forever.
        int expected = expectedLength(type);
        if (expected == UNKNOWN) {
            throw new InterfaceException("protocol error: unknown message type '" + printable(type) + "'");
        }
        if (length < 4 || length > MAX_FRAME || expected != VARIABLE && length != expected) {
            throw new InterfaceException("protocol error: message '" + printable(type)
                    + "' has an invalid length " + length);
        }
        int frameEnd = readIndex + 1 + length;
        if (buf.position() < frameEnd) {
            return null; // buffer() makes room as the rest arrives
        }
        int bodyStart = readIndex + 5;
        try {
            return decode(type, new MessageReader(a, bodyStart, frameEnd, type));
        } finally {
            readIndex = frameEnd;
        }
    }

    private void compactIfEmpty() {
        if (readIndex > 0 && readIndex == buf.position()) {
            buf.clear();
            readIndex = 0;
        }
    }

    private void compactOrGrow(int minCapacity) {
        int pending = buf.position() - readIndex;
        ByteBuffer target = minCapacity > buf.capacity() || pending + 1 > buf.capacity()
                ? ByteBuffer.allocate(Math.max(minCapacity, pending + 1))
                : buf;
        System.arraycopy(buf.array(), readIndex, target.array(), 0, pending);
        target.position(pending);
        target.limit(target.capacity());
        buf = target;
        readIndex = 0;
    }

    private static final int VARIABLE = -1;
    private static final int UNKNOWN = -2;

    /** The length every message of this type has, VARIABLE, or UNKNOWN for a type no server sends; as {@link #decode}. */
    private static int expectedLength(char type) {
        return switch (type) {
            case 'Z' -> 5;
            case 'K' -> 12;
            case 'I', 'c', '1', '2', '3', 'n', 's' -> 4;
            case 'R', 'S', 'T', 'D', 'C', 'E', 'N', 'A', 'G', 'H', 'W', 'd', 't', 'v' -> VARIABLE;
            default -> UNKNOWN;
        };
    }

    private static String printable(char type) {
        return type >= 32 && type < 127 ? String.valueOf(type) : String.format("\\x%02x", (int) type);
    }

    static BackendMessage decode(char type, MessageReader r) {
        BackendMessage m = switch (type) {
            case 'R' -> authentication(r);
            case 'S' -> new ParameterStatus(r.cstring(), r.cstring());
            case 'K' -> new BackendKeyData(r.int32(), r.int32());
            case 'Z' -> readyForQuery(r);
            case 'T' -> rowDescription(r);
            case 'D' -> dataRow(r);
            case 'C' -> new CommandComplete(r.cstring());
            case 'I' -> new EmptyQueryResponse();
            case 'E' -> new ErrorResponse(fields(r));
            case 'N' -> new NoticeResponse(fields(r));
            case 'A' -> new NotificationResponse(r.int32(), r.cstring(), r.cstring());
            case 'G', 'H', 'W' -> copyResponse(type, r);
            case 'd' -> new CopyData(r.rest());
            case 'c' -> new CopyDone();
            case '1' -> new ParseComplete();
            case '2' -> new BindComplete();
            case '3' -> new CloseComplete();
            case 'n' -> new NoData();
            case 's' -> new PortalSuspended();
            case 't' -> parameterDescription(r);
            case 'v' -> negotiateProtocolVersion(r);
            default -> throw new InterfaceException("protocol error: unknown message type '" + printable(type) + "'");
        };
        r.expectEnd();
        return m;
    }

    private static BackendMessage authentication(MessageReader r) {
        int code = r.int32();
        return switch (code) {
            case 0 -> new AuthenticationOk();
            case 3 -> new AuthenticationCleartextPassword();
            case 5 -> new AuthenticationMd5Password(r.bytes(4));
            case 10 -> {
                List<String> mechanisms = new ArrayList<>();
                for (String m = r.cstring(); !m.isEmpty(); m = r.cstring()) {
                    mechanisms.add(m);
                }
                yield new AuthenticationSasl(List.copyOf(mechanisms));
            }
            case 11 -> new AuthenticationSaslContinue(r.rest());
            case 12 -> new AuthenticationSaslFinal(r.rest());
            default -> {
                r.skip(r.remaining());
                yield new AuthenticationUnsupported(code);
            }
        };
    }

    private static ReadyForQuery readyForQuery(MessageReader r) {
        char status = (char) r.int8();
        if (status != 'I' && status != 'T' && status != 'E') {
            throw r.malformed("unknown transaction status '" + printable(status) + "'");
        }
        return new ReadyForQuery(status);
    }

    private static RowDescription rowDescription(MessageReader r) {
        int n = r.int16() & 0xffff;
        List<Field> fields = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fields.add(new Field(r.cstring(), r.int32(), r.int16(), r.int32(), r.int16(), r.int32(), r.int16()));
        }
        return new RowDescription(List.copyOf(fields));
    }

    private static DataRow dataRow(MessageReader r) {
        int n = r.int16() & 0xffff;
        int[] bounds = new int[2 * n];
        for (int i = 0; i < n; i++) {
            int len = r.int32();
            if (len < -1) {
                throw r.malformed("negative column length " + len);
            }
            bounds[2 * i + 1] = len;
            if (len > 0) {
                bounds[2 * i] = r.position();
                r.skip(len);
            }
        }
        // Copy the body out of the shared receive buffer, rebasing the bounds to it.
        int bodyStart = n == 0 ? r.position() : firstStart(bounds, r.position());
        int bodyEnd = r.position();
        byte[] body = java.util.Arrays.copyOfRange(r.buffer(), bodyStart, bodyEnd);
        for (int i = 0; i < n; i++) {
            bounds[2 * i] = bounds[2 * i + 1] > 0 ? bounds[2 * i] - bodyStart : 0;
        }
        return new DataRow(body, bounds);
    }

    private static int firstStart(int[] bounds, int fallback) {
        for (int i = 0; i < bounds.length; i += 2) {
            if (bounds[i + 1] > 0) {
                return bounds[i];
            }
        }
        return fallback;
    }

    private static Map<Character, String> fields(MessageReader r) {
        Map<Character, String> fields = new LinkedHashMap<>();
        for (byte code = r.int8(); code != 0; code = r.int8()) {
            fields.put((char) (code & 0xff), r.cstring());
        }
        return fields;
    }

    private static CopyResponse copyResponse(char kind, MessageReader r) {
        short format = r.int8();
        int n = r.int16() & 0xffff;
        short[] formats = new short[n];
        for (int i = 0; i < n; i++) {
            formats[i] = r.int16();
        }
        return new CopyResponse(kind, format, formats);
    }

    private static ParameterDescription parameterDescription(MessageReader r) {
        int n = r.int16() & 0xffff;
        int[] oids = new int[n];
        for (int i = 0; i < n; i++) {
            oids[i] = r.int32();
        }
        return new ParameterDescription(oids);
    }

    private static NegotiateProtocolVersion negotiateProtocolVersion(MessageReader r) {
        int minor = r.int32();
        int n = r.int32();
        if (n < 0) {
            throw r.malformed("negative option count");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(r.cstring());
        }
        return new NegotiateProtocolVersion(minor, List.copyOf(names));
    }
}
