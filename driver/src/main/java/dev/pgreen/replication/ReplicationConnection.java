package dev.pgreen.replication;

import dev.pgreen.ConnectInfo;
import dev.pgreen.Connection;
import dev.pgreen.internal.Bridge;
import dev.pgreen.protocol.CopyBothStream;

import java.time.Duration;

/**
 * What the logical and physical replication connections share: always in
 * autocommit, and cursors that speak the replication protocol over the
 * connection's COPY BOTH stream.
 */
public abstract class ReplicationConnection extends Connection {

    /**
     * Connects with the {@code replication} start-up parameter set; a synchronous connection is put in
     * autocommit, which the replication protocol needs.
     *
     * @param info what to connect to
     * @param replicationMode the {@code replication} parameter: {@code database} (logical) or {@code true}
     *     (physical)
     * @throws dev.pgreen.errors.OperationalException if the connect fails
     */
    protected ReplicationConnection(ConnectInfo info, String replicationMode) {
        super(info.with("replication", replicationMode));
        if (!isAsync()) {
            setAutocommit(true);
        }
    }

    /** "LOGICAL" or "PHYSICAL", as START_REPLICATION spells it. */
    abstract String slotType();

    @Override
    public ReplicationCursor cursor() {
        return (ReplicationCursor) super.cursor();
    }

    // Connection's stream primitives, for ReplicationCursor: the protected ones, and those in protocol
    // types through the driver's internal bridge.

    AutoCloseable hold() {
        return holdForOperation();
    }

    boolean heldByMe() {
        return isHeldByCurrentThread();
    }

    CopyBothStream open(String sql) {
        return Bridge.connection().openCopyBoth(this, sql);
    }

    byte[] read(CopyBothStream stream, Duration timeout) {
        return Bridge.connection().readCopyData(this, stream, timeout);
    }

    void write(CopyBothStream stream, byte[] data) {
        Bridge.connection().writeCopyData(this, stream, data);
    }

    void end(CopyBothStream stream) {
        Bridge.connection().closeCopyBoth(this, stream);
    }
}
