package dev.pgreen.replication;

/**
 * Thrown by a consumer to end {@link ReplicationCursor#consumeStream} (psycopg2's {@code StopReplication});
 * it propagates to the caller, and the stream stays open for another {@code consumeStream}.
 */
public class StopReplication extends RuntimeException {
    /** Ends the stream's consumption; it carries no stack trace. */
    public StopReplication() {
        super("replication stopped by the consumer", null, false, false);
    }
}
