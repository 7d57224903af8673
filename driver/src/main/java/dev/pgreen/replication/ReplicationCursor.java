package dev.pgreen.replication;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.CopyBothStream;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A cursor of a replication connection (psycopg2's {@code ReplicationCursor}):
 * slots, START_REPLICATION, and the stream of XLogData it opens, with standby
 * status updates sent back as the protocol asks.
 */
public class ReplicationCursor extends Cursor {
    /** Microseconds between the Unix epoch and the PostgreSQL epoch, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private final ReplicationConnection repl;
    private CopyBothStream stream;
    private ReplicationOptions options;
    private long writeLsn;
    private long flushLsn;
    private long applyLsn;
    private long walEnd;
    private volatile Instant ioTimestamp;
    private volatile Instant feedbackTimestamp;
    private long lastFeedbackNanos;

    public ReplicationCursor(Connection conn, String name) {
        super(conn, name);
        if (!(conn instanceof ReplicationConnection rc)) {
            throw new ProgrammingException("ReplicationCursor needs a LogicalReplicationConnection or a "
                    + "PhysicalReplicationConnection, not " + conn.getClass().getName());
        }
        this.repl = rc;
    }

    // ---- slots ----

    /** CREATE_REPLICATION_SLOT for a logical slot with the given output plugin (e.g. test_decoding). */
    public void createReplicationSlot(String slotName, String outputPlugin) {
        requireType("LOGICAL", "a logical slot needs a LogicalReplicationConnection");
        endStream();
        execute("CREATE_REPLICATION_SLOT " + ident(slotName) + " LOGICAL " + ident(outputPlugin));
    }

    /** CREATE_REPLICATION_SLOT for a physical slot. */
    public void createReplicationSlot(String slotName) {
        requireType("PHYSICAL", "a physical slot needs a PhysicalReplicationConnection: "
                + "pass an output plugin for a logical one");
        endStream();
        execute("CREATE_REPLICATION_SLOT " + ident(slotName) + " PHYSICAL RESERVE_WAL");
    }

    public void dropReplicationSlot(String slotName) {
        endStream();
        execute("DROP_REPLICATION_SLOT " + ident(slotName));
    }

    private void requireType(String type, String message) {
        if (!repl.slotType().equals(type)) {
            throw new ProgrammingException(message);
        }
    }

    private static String ident(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf('"') >= 0 || name.indexOf('\0') >= 0) {
            throw new ProgrammingException("invalid replication identifier: \"" + name + "\"");
        }
        return '"' + name + '"';
    }

    // ---- the stream ----

    public void startReplication(String slotName, boolean decode) {
        startReplication(slotName, ReplicationOptions.defaults().withDecode(decode));
    }

    /** START_REPLICATION: opens the stream; read it with consumeStream() or, when async, readMessage(). */
    public void startReplication(String slotName, ReplicationOptions opts) {
        Objects.requireNonNull(opts, "opts");
        endStream();
        StringBuilder sql = new StringBuilder("START_REPLICATION");
        if (slotName != null) {
            sql.append(" SLOT ").append(ident(slotName));
        } else if (repl.slotType().equals("LOGICAL")) {
            throw new ProgrammingException("logical replication needs a slot name");
        }
        sql.append(' ').append(repl.slotType()).append(' ').append(Lsn.format(opts.startLsn()));
        if (repl.slotType().equals("LOGICAL")) {
            if (!opts.options().isEmpty()) {
                sql.append(" (");
                boolean first = true;
                for (Map.Entry<String, String> o : opts.options().entrySet()) {
                    sql.append(first ? "" : ", ").append(ident(o.getKey())).append(' ')
                            .append(dev.pgreen.adapt.QuotedString.quote(o.getValue(), true));
                    first = false;
                }
                sql.append(')');
            }
        } else if (opts.timeline() != 0) {
            sql.append(" TIMELINE ").append(opts.timeline());
        } else if (!opts.options().isEmpty()) {
            throw new ProgrammingException("options are for logical replication only");
        }
        if (repl.isAsync()) {
            stream = repl.open(sql.toString());
        } else {
            try (AutoCloseable ignored = repl.hold()) {
                stream = repl.open(sql.toString());
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        options = opts;
        lastFeedbackNanos = System.nanoTime();
    }

    public void consumeStream(Consumer<ReplicationMessage> consumer) {
        consumeStream(consumer, null);
    }

    /**
     * Hands every message to {@code consumer} until it throws
     * {@link StopReplication} (which propagates) or the server ends the stream.
     * Status updates go out every {@code keepalive} (default: the status
     * interval) and whenever the server asks for one. The stream stays open
     * after StopReplication: consumeStream may be called again.
     */
    public void consumeStream(Consumer<ReplicationMessage> consumer, Duration keepalive) {
        Objects.requireNonNull(consumer, "consumer");
        if (repl.isAsync()) {
            throw new ProgrammingException("consumeStream cannot be used in asynchronous mode: use readMessage()");
        }
        requireStream();
        Duration interval = keepalive != null ? keepalive : options.statusInterval();
        try (AutoCloseable ignored = repl.hold()) {
            while (stream.isStreaming() || stream.hasReceived()) {
                long untilFeedback = interval.toNanos() - (System.nanoTime() - lastFeedbackNanos);
                if (untilFeedback <= 0) {
                    sendStatus(false);
                    continue;
                }
                byte[] data = repl.read(stream, Duration.ofNanos(untilFeedback));
                if (data != null) {
                    ReplicationMessage m = parse(data);
                    if (m != null) {
                        consumer.accept(m);
                    }
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next message if one has arrived, else null (for asynchronous connections; never waits there). */
    public ReplicationMessage readMessage() {
        if (!repl.isAsync()) {
            throw new ProgrammingException("readMessage() is for asynchronous connections: use consumeStream()");
        }
        requireStream();
        if (stream.isStreaming() && options != null
                && System.nanoTime() - lastFeedbackNanos >= options.statusInterval().toNanos()) {
            sendStatus(false);
        }
        for (;;) {
            byte[] data = repl.read(stream, Duration.ZERO);
            if (data == null) {
                return null;
            }
            ReplicationMessage m = parse(data);
            if (m != null) {
                return m;
            }
        }
    }

    /** Decodes one CopyData payload; keepalives are answered here and yield null. */
    private ReplicationMessage parse(byte[] data) {
        ioTimestamp = Instant.now();
        ByteBuffer b = ByteBuffer.wrap(data);
        try {
            byte kind = b.get();
            switch (kind) {
                case 'w' -> {
                    long start = b.getLong();
                    long end = b.getLong();
                    Instant sent = pgTime(b.getLong());
                    byte[] payload = new byte[b.remaining()];
                    b.get(payload);
                    walEnd = Math.max(walEnd, end);
                    return new ReplicationMessage(payload, options.decode(), start, end, sent, this);
                }
                case 'k' -> {
                    walEnd = Math.max(walEnd, b.getLong());
                    b.getLong();
                    if (b.get() != 0) {
                        sendStatus(false);
                    }
                    return null;
                }
                default -> throw new InterfaceException("protocol error: unknown replication message '"
                        + (char) kind + "'");
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new InterfaceException("protocol error: truncated replication message");
        }
    }

    private static Instant pgTime(long micros) {
        long unix = micros + PG_EPOCH_MICROS;
        return Instant.ofEpochSecond(Math.floorDiv(unix, 1_000_000L), Math.floorMod(unix, 1_000_000L) * 1000);
    }

    // ---- feedback ----

    /**
     * Records the LSNs the consumer has written, flushed and applied (each only
     * moves forward) and sends a status update now when {@code reply} or
     * {@code force} is set; otherwise the next one goes out on schedule.
     */
    public void sendFeedback(long writeLsn, long flushLsn, long applyLsn, boolean reply, boolean force) {
        this.writeLsn = Math.max(this.writeLsn, writeLsn);
        this.flushLsn = Math.max(this.flushLsn, flushLsn);
        this.applyLsn = Math.max(this.applyLsn, applyLsn);
        if ((reply || force) && stream != null && stream.isStreaming()) {
            if (repl.isAsync()) {
                sendStatus(reply);
            } else {
                try (AutoCloseable ignored = holdUnlessHeld()) {
                    sendStatus(reply);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Confirms everything up to {@code flushLsn} as written, flushed and applied. */
    public void sendFeedback(long flushLsn) {
        sendFeedback(flushLsn, flushLsn, flushLsn, false, false);
    }

    /** Inside consumeStream (a consumer confirming) the connection is already held by this thread. */
    private AutoCloseable holdUnlessHeld() {
        return repl.heldByMe() ? () -> { } : repl.hold();
    }

    private void sendStatus(boolean reply) {
        ByteBuffer b = ByteBuffer.allocate(34);
        long nowMicros = Math.multiplyExact(System.currentTimeMillis(), 1000L) - PG_EPOCH_MICROS;
        // Write and apply never run ahead of flush unless the consumer said so; flush is only what it confirmed.
        b.put((byte) 'r').putLong(writeLsn).putLong(flushLsn).putLong(applyLsn).putLong(nowMicros)
                .put((byte) (reply ? 1 : 0));
        repl.write(stream, b.array());
        lastFeedbackNanos = System.nanoTime();
        feedbackTimestamp = Instant.now();
    }

    // ---- state ----

    private void requireStream() {
        ensureStream();
        if (stream == null || (!stream.isStreaming() && !repl.isAsync())) {
            throw new ProgrammingException("no replication stream: call startReplication() first");
        }
    }

    private void ensureStream() {
        if (isClosed()) {
            throw new InterfaceException("cursor already closed");
        }
    }

    /** Ends an open stream (CopyDone, then the server's replies) so the connection takes commands again. */
    private void endStream() {
        if (stream != null && stream.isStreaming() && !repl.isAsync()) {
            try (AutoCloseable ignored = repl.hold()) {
                repl.end(stream);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        stream = null;
    }

    /** When the last message or keepalive arrived, or null. */
    public Instant ioTimestamp() {
        return ioTimestamp;
    }

    /** When the last status update was sent, or null before the first. */
    public Instant feedbackTimestamp() {
        return feedbackTimestamp;
    }

    /** The highest WAL end position the server has reported. */
    public long walEnd() {
        return walEnd;
    }

    @Override
    public void close() {
        if (!isClosed() && !repl.isClosed()) {
            endStream();
        }
        super.close();
    }
}
