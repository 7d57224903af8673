package dev.pgreen.replication;

/** Thrown by a consumer to end {@link ReplicationCursor#consumeStream}; it propagates to the caller. */
public class StopReplication extends RuntimeException {
    public StopReplication() {
        super("replication stopped by the consumer", null, false, false);
    }
}
