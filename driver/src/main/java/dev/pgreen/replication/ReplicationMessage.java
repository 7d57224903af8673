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

    /** The message: a String when the stream decodes (logical), else the raw bytes. */
    public Object payload() {
        return decode ? new String(data, StandardCharsets.UTF_8) : data.clone();
    }

    public int dataSize() {
        return data.length;
    }

    /** The LSN of the start of the data. */
    public long dataStart() {
        return dataStart;
    }

    /** The server's current end of WAL when it sent the message. */
    public long walEnd() {
        return walEnd;
    }

    public Instant sendTime() {
        return sendTime;
    }

    public ReplicationCursor cursor() {
        return cursor;
    }

    @Override
    public String toString() {
        return "ReplicationMessage(dataStart=" + Lsn.format(dataStart) + ", walEnd=" + Lsn.format(walEnd)
                + ", dataSize=" + data.length + ")";
    }
}
