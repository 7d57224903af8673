/**
 * Logical and physical replication (psycopg2's replication support):
 * {@link dev.pgreen.replication.LogicalReplicationConnection} and
 * {@link dev.pgreen.replication.PhysicalReplicationConnection}, whose
 * {@link dev.pgreen.replication.ReplicationCursor}s create and drop slots, start a stream and consume its
 * {@link dev.pgreen.replication.ReplicationMessage}s, sending standby status updates as the protocol asks.
 * Every wait of a stream goes through the wait callback, as for any other operation.
 */
package dev.pgreen.replication;
