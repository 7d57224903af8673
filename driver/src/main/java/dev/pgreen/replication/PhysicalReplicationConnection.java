package dev.pgreen.replication;

import dev.pgreen.ConnectInfo;

/**
 * A connection for physical replication (psycopg2's {@code PhysicalReplicationConnection}):
 * {@code Pgreen.connect(dsn, PhysicalReplicationConnection::new)}. It connects with {@code replication=true},
 * and its cursors are {@link ReplicationCursor}s.
 */
public class PhysicalReplicationConnection extends ReplicationConnection {
    /**
     * Connects for physical replication.
     *
     * @param info what to connect to; {@code replication=true} is added to it
     * @throws dev.pgreen.errors.OperationalException if the connect fails (a role without the REPLICATION
     *     attribute, or a server whose {@code pg_hba.conf} refuses replication connections, among others)
     */
    public PhysicalReplicationConnection(ConnectInfo info) {
        super(info, "true");
        setCursorFactory(ReplicationCursor::new);
    }

    @Override
    String slotType() {
        return "PHYSICAL";
    }
}
