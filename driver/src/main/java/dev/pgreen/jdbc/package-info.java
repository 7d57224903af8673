/**
 * JDBC over pgreen's connections: {@link dev.pgreen.jdbc.PgreenDriver} for URLs
 * {@code jdbc:pgreen://host[:port][,host2[:port2]...]/database[?key=value&...]} (found by
 * {@link java.sql.DriverManager} through {@code META-INF/services} and the module's service), and
 * {@link dev.pgreen.jdbc.PgreenDataSource}. Every wait goes through pgreen's wait callback; errors carry the
 * server's SQLSTATE with JDBC 4's subclasses, and pgreen's exception as their cause.
 * {@code java.sql.Connection.unwrap(dev.pgreen.Connection.class)} gives the connection underneath.
 */
package dev.pgreen.jdbc;
