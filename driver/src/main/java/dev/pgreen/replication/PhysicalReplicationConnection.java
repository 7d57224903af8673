package dev.pgreen.replication;

import dev.pgreen.ConnectInfo;

/** A connection for physical replication: {@code Pgreen.connect(dsn, PhysicalReplicationConnection::new)}. */
public class PhysicalReplicationConnection extends ReplicationConnection {
    public PhysicalReplicationConnection(ConnectInfo info) {
        super(info, "true");
        setCursorFactory(ReplicationCursor::new);
    }

    @Override
    String slotType() {
        return "PHYSICAL";
    }
}
