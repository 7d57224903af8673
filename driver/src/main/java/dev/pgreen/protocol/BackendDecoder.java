package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.protocol.BackendMessage.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>A DataRow or CopyData too large for the buffer is received straight into
 * the array that becomes the message's body ({@link LargeFrame}): its bytes are
 * held once, not in the buffer and again in a copy, and the buffer keeps its
 * size. Any other large message grows the buffer, which goes back to its
 * initial size once nothing is left pending.
 */
public final class BackendDecoder {
    /** Larger than any legitimate message (1 GiB field limit plus headers); guards against garbage lengths. */
    private static final int MAX_FRAME = 0x4000_0000 + 1024;
    private static final int INITIAL_CAPACITY = 16 * 1024;
    /**
     * An emptied buffer larger than this is replaced by one of INITIAL_CAPACITY, so that a session keeps no
     * more than that once a large message has gone through; ordinary traffic never comes near it.
     */
    static final int RETAINED_CAPACITY = 1024 * 1024;
    /**
     * The most one read is offered. The JDK reads a socket into a heap buffer through a temporary direct buffer
     * as large as the room offered, and keeps that buffer cached for the thread.
     */
    static final int MAX_READ = 256 * 1024;

    private ByteBuffer buf = ByteBuffer.allocate(INITIAL_CAPACITY);
    /** Index of the first byte not yet decoded; bytes [readIndex, buf.position()) are pending. */
    private int readIndex;
    /** The large message being received into its own body, or null; while set, every byte read goes there. */
    private LargeFrame large;
    /** Reads each message's body in turn: a reader per message was most of a query's decoding garbage. */
    private final MessageReader reader = new MessageReader();
    /** The last CommandComplete, handed out again while the tags repeat (a statement run again reports the same). */
    private CommandComplete lastComplete;
    private byte[] lastTag;

    /** The buffer to read into, in write mode, with room for at least one more byte. */
    public ByteBuffer buffer() {
        if (large != null) {
            return large.room();
        }
        if (buf.position() == buf.capacity()) {
            compactOrGrow(readIndex > 0 ? buf.capacity() : grownCapacity());
        }
        return buf.limit(Math.min(buf.capacity(), buf.position() + MAX_READ));
    }

    /** The receive buffer's capacity (a large message's body not included): what an idle session keeps. */
    public int capacity() {
        return buf.capacity();
    }

    /**
     * Grown for the frame being received, with the bytes that actually arrive rather than with the declared
     * length, so a corrupt 5-byte header cannot make it reserve up to a gigabyte.
     */
    private int grownCapacity() {
        if (buf.position() - readIndex >= 5) {
            int length = frameLength(buf.array(), readIndex);
            if (length >= 4 && length <= MAX_FRAME && 1 + length > buf.capacity()) {
                return grow(buf.capacity(), 1 + length);
            }
        }
        return (int) Math.min(2L * buf.capacity(), MAX_FRAME + 1L);
    }

    /**
     * Twice {@code full}, the size of an array that has filled up, or straight {@code needed} once that is at most
     * four times as much. Doubling up to the end would hold the old array and the new one, together nearly twice
     * {@code needed}, during the last copy; after doublings the old one is at most a quarter of {@code needed}, and
     * what is reserved is still at most eight times what has arrived.
     */
    static int grow(int full, long needed) {
        long doubled = 2L * full;
        return (int) (needed <= 4 * doubled ? needed : doubled);
    }

    private static int frameLength(byte[] a, int at) {
        return int32(a, at + 1);
    }

    private static int int32(byte[] a, int at) {
        return ((a[at] & 0xff) << 24) | ((a[at + 1] & 0xff) << 16) | ((a[at + 2] & 0xff) << 8) | (a[at + 3] & 0xff);
    }

    /** Whether bytes have been received that do not yet form a whole message. */
    public boolean hasPartialMessage() {
        return large != null || buf.position() > readIndex;
    }

    /** The next complete message, or null when more bytes are needed. */
    public BackendMessage next() {
        if (large != null) {
            if (!large.isComplete()) {
                return null;
            }
            LargeFrame done = large;
            large = null; // consumed, even if its body turns out malformed
            return done.message();
        }
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
            if (1 + length > buf.capacity()) {
                large = LargeFrame.start(type, a, readIndex, buf.position(), frameEnd);
                if (large != null) {
                    // All that was pending is now in the large message's body.
                    readIndex = buf.position();
                    compactIfEmpty();
                }
            }
            return null; // buffer() makes room as the rest arrives
        }
        int bodyStart = readIndex + 5;
        try {
            return decode(type, reader.reset(a, bodyStart, frameEnd, type));
        } finally {
            readIndex = frameEnd;
        }
    }

    private void compactIfEmpty() {
        if (readIndex == buf.position()) {
            if (buf.capacity() > RETAINED_CAPACITY) {
                buf = ByteBuffer.allocate(INITIAL_CAPACITY);
            } else if (readIndex > 0) {
                buf.clear();
            }
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

    // Messages without content are immutable and alike: one instance each serves every session.
    private static final EmptyQueryResponse EMPTY_QUERY_RESPONSE = new EmptyQueryResponse();
    private static final CopyDone COPY_DONE = new CopyDone();
    private static final ParseComplete PARSE_COMPLETE = new ParseComplete();
    private static final BindComplete BIND_COMPLETE = new BindComplete();
    private static final CloseComplete CLOSE_COMPLETE = new CloseComplete();
    private static final NoData NO_DATA = new NoData();
    private static final PortalSuspended PORTAL_SUSPENDED = new PortalSuspended();
    private static final ReadyForQuery IDLE = new ReadyForQuery('I');
    private static final ReadyForQuery IN_TRANSACTION = new ReadyForQuery('T');
    private static final ReadyForQuery IN_FAILED_TRANSACTION = new ReadyForQuery('E');

    private BackendMessage decode(char type, MessageReader r) {
        BackendMessage m = switch (type) {
            case 'R' -> authentication(r);
            case 'S' -> new ParameterStatus(r.cstring(), r.cstring());
            case 'K' -> new BackendKeyData(r.int32(), r.int32());
            case 'Z' -> readyForQuery(r);
            case 'T' -> rowDescription(r);
            case 'D' -> dataRow(r);
            case 'C' -> commandComplete(r);
            case 'I' -> EMPTY_QUERY_RESPONSE;
            case 'E' -> new ErrorResponse(fields(r));
            case 'N' -> new NoticeResponse(fields(r));
            case 'A' -> new NotificationResponse(r.int32(), r.cstring(), r.cstring());
            case 'G', 'H', 'W' -> copyResponse(type, r);
            case 'd' -> new CopyData(r.rest());
            case 'c' -> COPY_DONE;
            case '1' -> PARSE_COMPLETE;
            case '2' -> BIND_COMPLETE;
            case '3' -> CLOSE_COMPLETE;
            case 'n' -> NO_DATA;
            case 's' -> PORTAL_SUSPENDED;
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
        return switch (status) {
            case 'I' -> IDLE;
            case 'T' -> IN_TRANSACTION;
            case 'E' -> IN_FAILED_TRANSACTION;
            default -> throw r.malformed("unknown transaction status '" + printable(status) + "'");
        };
    }

    /** The tag's bytes are compared with the last tag's before a String is made of them. */
    private CommandComplete commandComplete(MessageReader r) {
        byte[] a = r.buffer();
        int start = r.position();
        int end = start + r.cstringLength();
        if (lastComplete == null || !Arrays.equals(a, start, end, lastTag, 0, lastTag.length)) {
            lastTag = Arrays.copyOfRange(a, start, end);
            lastComplete = new CommandComplete(new String(lastTag, StandardCharsets.UTF_8));
        }
        r.skip(end - start + 1);
        return lastComplete;
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
        readColumns(r, bounds, 0);
        // Copy the body out of the shared receive buffer, rebasing the bounds to it.
        int bodyStart = n == 0 ? r.position() : firstStart(bounds, r.position());
        int bodyEnd = r.position();
        byte[] body = Arrays.copyOfRange(r.buffer(), bodyStart, bodyEnd);
        for (int i = 0; i < n; i++) {
            bounds[2 * i] = bounds[2 * i + 1] > 0 ? bounds[2 * i] - bodyStart : 0;
        }
        return new DataRow(body, bounds);
    }

    /** Reads the lengths and skips the bytes of columns {@code from} on, noting each one's bounds as read. */
    private static void readColumns(MessageReader r, int[] bounds, int from) {
        for (int i = from; i < bounds.length / 2; i++) {
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

    /**
     * A DataRow or CopyData too large for the buffer, received straight into the array that becomes the message's
     * body (for a DataRow, from its first column with bytes to its end: the body {@link #dataRow} would copy out).
     * The array grows with what arrives, as the buffer does, and ends exactly as long as the body.
     */
    private static final class LargeFrame {
        private final char type;
        /** A DataRow's column bounds, known up to {@link #firstColumn}; null for CopyData. */
        private final int[] bounds;
        private final int firstColumn;
        private final int bodyLength;
        private ByteBuffer body;

        private LargeFrame(char type, int[] bounds, int firstColumn, int bodyLength, byte[] a, int from, int to) {
            this.type = type;
            this.bounds = bounds;
            this.firstColumn = firstColumn;
            this.bodyLength = bodyLength;
            this.body = ByteBuffer.allocate(grow(Math.max(INITIAL_CAPACITY, to - from), bodyLength));
            body.put(a, from, to - from);
        }

        /**
         * The large message whose frame starts at {@code a[frameStart]}, of which {@code a[frameStart, received)} has
         * arrived; null when it is not one, or when what has arrived does not yet show where its body starts (then
         * the buffer takes it, and any error in its head is reported once all of it is there).
         */
        static LargeFrame start(char type, byte[] a, int frameStart, int received, int frameEnd) {
            int pos = frameStart + 5;
            if (type == 'd') {
                return new LargeFrame(type, null, 0, frameEnd - pos, a, pos, received);
            }
            if (type != 'D' || received - pos < 2) {
                return null;
            }
            int n = ((a[pos] & 0xff) << 8) | (a[pos + 1] & 0xff);
            pos += 2;
            int[] bounds = new int[2 * n];
            for (int i = 0; i < n && received - pos >= 4; i++) {
                int len = int32(a, pos);
                pos += 4;
                if (len < -1 || len > frameEnd - pos) {
                    return null;
                }
                bounds[2 * i + 1] = len;
                if (len > 0) {
                    return new LargeFrame(type, bounds, i, frameEnd - pos, a, pos, received);
                }
            }
            return null;
        }

        /** Room for the next read: the body's, grown when full, at most {@link #MAX_READ}. */
        ByteBuffer room() {
            if (body.position() == body.capacity() && body.capacity() < bodyLength) {
                body = ByteBuffer.allocate(grow(body.capacity(), bodyLength)).put(body.flip());
            }
            return body.limit(Math.min(body.capacity(), body.position() + MAX_READ));
        }

        boolean isComplete() {
            return body.position() == bodyLength;
        }

        /** The message, once {@link #isComplete()}; a malformed DataRow is a protocol error. */
        BackendMessage message() {
            byte[] a = body.array();
            if (bounds == null) {
                return new CopyData(a);
            }
            MessageReader r = new MessageReader(a, bounds[2 * firstColumn + 1], bodyLength, type);
            readColumns(r, bounds, firstColumn + 1);
            r.expectEnd();
            return new DataRow(a, bounds);
        }
    }
}
