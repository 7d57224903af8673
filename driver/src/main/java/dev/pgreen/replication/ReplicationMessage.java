package dev.pgreen.replication;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** One XLogData message of a replication stream (psycopg2's {@code ReplicationMessage}). */
public final class ReplicationMessage {
    private final byte[] data;
    private final boolean decode;
    private final long dataStart;
    private final long walEnd;
    private final Instant sendTime;
    private final ReplicationCursor cursor;

    ReplicationMessage(byte[] data, boolean decode, long dataStart, long walEnd, Instant sendTime,
                       ReplicationCursor cursor) {
        this.data = data;
        this.decode = decode;
        this.dataStart = dataStart;
        this.walEnd = walEnd;
        this.sendTime = sendTime;
        this.cursor = cursor;
    }

    /**
     * The message's data (psycopg2's {@code payload}).
     *
     * @return a String (UTF-8) when the stream decodes, else a copy of the raw bytes
     */
    public Object payload() {
        return decode ? new String(data, StandardCharsets.UTF_8) : data.clone();
    }

    /**
     * The size of the data (psycopg2's {@code data_size}).
     *
     * @return its length in bytes
     */
    public int dataSize() {
        return data.length;
    }

    /**
     * Where the data starts in the WAL (psycopg2's {@code data_start}).
     *
     * @return the LSN of the start of the data
     */
    public long dataStart() {
        return dataStart;
    }

    /**
     * The server's end of WAL when it sent the message (psycopg2's {@code wal_end}).
     *
     * @return the LSN
     */
    public long walEnd() {
        return walEnd;
    }

    /**
     * When the server sent the message (psycopg2's {@code send_time}).
     *
     * @return the server's clock at sending
     */
    public Instant sendTime() {
        return sendTime;
    }

    /**
     * The cursor the message arrived on (psycopg2's {@code cursor}): where to {@code sendFeedback}.
     *
     * @return the cursor
     */
    public ReplicationCursor cursor() {
        return cursor;
    }

    @Override
    public String toString() {
        return "ReplicationMessage(dataStart=" + Lsn.format(dataStart) + ", walEnd=" + Lsn.format(walEnd)
                + ", dataSize=" + data.length + ")";
    }
}
