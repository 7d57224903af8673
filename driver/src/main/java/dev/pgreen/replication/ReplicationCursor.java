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

    /**
     * A replication cursor; the replication connections make these.
     *
     * @param conn a {@link LogicalReplicationConnection} or {@link PhysicalReplicationConnection}
     * @param name null: replication has no server-side cursors
     * @throws ProgrammingException if {@code conn} is not a replication connection
     */
    public ReplicationCursor(Connection conn, String name) {
        super(conn, name);
        if (!(conn instanceof ReplicationConnection rc)) {
            throw new ProgrammingException("ReplicationCursor needs a LogicalReplicationConnection or a "
                    + "PhysicalReplicationConnection, not " + conn.getClass().getName());
        }
        this.repl = rc;
    }

    // ---- slots ----

    /**
     * Creates a logical slot (psycopg2's {@code create_replication_slot(name, output_plugin=...)}):
     * {@code CREATE_REPLICATION_SLOT name LOGICAL plugin}. An open stream is ended first.
     *
     * @param slotName the slot's name
     * @param outputPlugin the output plugin, e.g. {@code test_decoding} or {@code pgoutput}
     * @throws ProgrammingException on a physical replication connection, or for an invalid name
     * @throws dev.pgreen.errors.PgException the server's error, such as a slot that exists already (42710)
     */
    public void createReplicationSlot(String slotName, String outputPlugin) {
        requireType("LOGICAL", "a logical slot needs a LogicalReplicationConnection");
        endStream();
        execute("CREATE_REPLICATION_SLOT " + ident(slotName) + " LOGICAL " + ident(outputPlugin));
    }

    /**
     * Creates a physical slot that reserves WAL at once (psycopg2's {@code create_replication_slot(name)}):
     * {@code CREATE_REPLICATION_SLOT name PHYSICAL RESERVE_WAL}. An open stream is ended first.
     *
     * @param slotName the slot's name
     * @throws ProgrammingException on a logical replication connection, or for an invalid name
     * @throws dev.pgreen.errors.PgException the server's error, such as a slot that exists already (42710)
     */
    public void createReplicationSlot(String slotName) {
        requireType("PHYSICAL", "a physical slot needs a PhysicalReplicationConnection: "
                + "pass an output plugin for a logical one");
        endStream();
        execute("CREATE_REPLICATION_SLOT " + ident(slotName) + " PHYSICAL RESERVE_WAL");
    }

    /**
     * Drops a slot (psycopg2's {@code drop_replication_slot}). An open stream is ended first.
     *
     * @param slotName the slot's name
     * @throws ProgrammingException for an invalid name
     * @throws dev.pgreen.errors.PgException the server's error, such as an unknown slot (42704)
     */
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

    /**
     * Starts streaming from a slot with the default options (psycopg2's {@code start_replication(slot_name,
     * decode=...)}).
     *
     * @param slotName the slot's name (null for a physical stream without a slot)
     * @param decode whether payloads are decoded to Strings
     * @throws ProgrammingException as {@link #startReplication(String, ReplicationOptions)} does
     * @throws dev.pgreen.errors.PgException the server's error, such as an unknown slot
     */
    public void startReplication(String slotName, boolean decode) {
        startReplication(slotName, ReplicationOptions.defaults().withDecode(decode));
    }

    /**
     * Starts streaming (psycopg2's {@code start_replication}): sends START_REPLICATION and opens the stream;
     * read it with {@link #consumeStream} or, on an asynchronous connection, {@link #readMessage()}. An open
     * stream is ended first.
     *
     * @param slotName the slot's name; null only for a physical stream without a slot
     * @param opts where to start, decoding, plugin options, status interval
     * @throws ProgrammingException for a logical stream without a slot, plugin options on a physical stream,
     *     or an invalid name
     * @throws dev.pgreen.errors.PgException the server's error, such as an unknown slot or an unknown plugin
     *     option
     */
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

    /**
     * Hands every message to {@code consumer}, sending status updates every status interval, until it
     * throws {@link StopReplication} or the server ends the stream (psycopg2's {@code consume_stream}).
     *
     * @param consumer receives the messages; confirms them with {@link #sendFeedback}
     * @throws StopReplication when the consumer threw it
     * @throws ProgrammingException on an asynchronous connection, or without a started stream
     * @throws dev.pgreen.errors.PgException the server's error ending the stream
     */
    public void consumeStream(Consumer<ReplicationMessage> consumer) {
        consumeStream(consumer, null);
    }

    /**
     * Hands every message to {@code consumer} until it throws
     * {@link StopReplication} (which propagates) or the server ends the stream.
     * Status updates go out every {@code keepalive} (default: the status
     * interval) and whenever the server asks for one. The stream stays open
     * after StopReplication: consumeStream may be called again.
     *
     * @param consumer receives the messages; confirms them with {@link #sendFeedback}
     * @param keepalive how often a status update goes out, in place of the status interval; null for that
     * @throws StopReplication when the consumer threw it
     * @throws ProgrammingException on an asynchronous connection, or without a started stream
     * @throws dev.pgreen.errors.PgException the server's error ending the stream
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

    /**
     * The next message of the stream, if one has arrived (psycopg2's {@code read_message}); for asynchronous
     * connections, where it never waits: wait on the connection's channel and {@code poll()} between calls.
     *
     * @return the message, or null when none is ready
     * @throws ProgrammingException on a synchronous connection, or without a started stream
     * @throws dev.pgreen.errors.PgException the server's error ending the stream
     */
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
     * {@code force} is set; otherwise the next one goes out on schedule (psycopg2's {@code send_feedback}).
     * Flush feedback never runs ahead of what the consumer confirmed.
     *
     * @param writeLsn the WAL position written to disk by the consumer, or 0 to leave it
     * @param flushLsn the position flushed to durable storage, or 0
     * @param applyLsn the position applied, or 0
     * @param reply whether to ask the server to answer at once (a keepalive); sends the update now
     * @param force whether to send the update now
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

    /**
     * Confirms everything up to {@code flushLsn} as written, flushed and applied; the server may then
     * recycle that WAL. Sent with the next scheduled status update.
     *
     * @param flushLsn the position the consumer has durably processed
     */
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

    /**
     * When the last message or keepalive arrived (psycopg2's {@code io_timestamp}).
     *
     * @return the time, or null before the first
     */
    public Instant ioTimestamp() {
        return ioTimestamp;
    }

    /**
     * When the last status update was sent (psycopg2's {@code feedback_timestamp}).
     *
     * @return the time, or null before the first
     */
    public Instant feedbackTimestamp() {
        return feedbackTimestamp;
    }

    /**
     * The highest end of WAL the server has reported (psycopg2's {@code wal_end}).
     *
     * @return the LSN, 0 before the first message
     */
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
