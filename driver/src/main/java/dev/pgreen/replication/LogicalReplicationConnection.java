package dev.pgreen.replication;

import dev.pgreen.ConnectInfo;

/** A connection for logical replication: {@code Pgreen.connect(dsn, LogicalReplicationConnection::new)}. */
public class LogicalReplicationConnection extends ReplicationConnection {
    public LogicalReplicationConnection(ConnectInfo info) {
        super(info, "database");
        setCursorFactory(ReplicationCursor::new);
    }

    @Override
    String slotType() {
        return "LOGICAL";
    }
}
