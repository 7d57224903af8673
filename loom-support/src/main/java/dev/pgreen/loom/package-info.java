/**
 * pgreen on virtual threads: {@link dev.pgreen.loom.Loom#install()} registers
 * {@link dev.pgreen.loom.VirtualThreadWait}, which parks a virtual thread on the JDK's poller instead of
 * blocking its carrier, so ordinary blocking pgreen (and JDBC) code runs green; {@link dev.pgreen.loom.PgPool}
 * is a connection pool for such code, its statistics published over JMX ({@link dev.pgreen.loom.PoolStatsMXBean}).
 */
package dev.pgreen.loom;
