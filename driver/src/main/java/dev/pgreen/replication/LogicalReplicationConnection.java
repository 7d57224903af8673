package dev.pgreen.replication;

import dev.pgreen.ConnectInfo;

/**
 * A connection for logical replication (psycopg2's {@code LogicalReplicationConnection}):
 * {@code Pgreen.connect(dsn, LogicalReplicationConnection::new)}. It connects to a database with
 * {@code replication=database}, and its cursors are {@link ReplicationCursor}s.
 */
public class LogicalReplicationConnection extends ReplicationConnection {
    /**
     * Connects for logical replication.
     *
     * @param info what to connect to; {@code replication=database} is added to it
     * @throws dev.pgreen.errors.OperationalException if the connect fails (a role without the REPLICATION
     *     attribute, or a server whose {@code pg_hba.conf} refuses replication connections, among others)
     */
    public LogicalReplicationConnection(ConnectInfo info) {
        super(info, "database");
        setCursorFactory(ReplicationCursor::new);
    }

    @Override
    String slotType() {
        return "LOGICAL";
    }
}
