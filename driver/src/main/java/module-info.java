/**
 * pgreen, a PostgreSQL driver whose blocking API stays green: every wait on the server's socket goes
 * through one registrable {@link dev.pgreen.WaitCallback}, so the same blocking code runs on platform
 * threads, on virtual threads and under a cooperative scheduler. Its API is that of psycopg2's advanced
 * features, spelled the Java way, and a JDBC driver ({@link dev.pgreen.jdbc.PgreenDriver}) over the
 * same connections.
 *
 * <p>Entry points: {@link dev.pgreen.Pgreen#connect(String)} ({@link dev.pgreen} holds connections,
 * cursors, rows, wait callbacks, adaptation and typecasting), {@link dev.pgreen.adapt} (Java objects
 * to SQL literals), {@link dev.pgreen.errors} (the exceptions, one class per SQLSTATE class),
 * {@link dev.pgreen.extras} (logging connections and cursors, batch helpers),
 * {@link dev.pgreen.replication} (logical and physical replication) and {@link dev.pgreen.jdbc}
 * ({@code jdbc:pgreen://} URLs, also found by {@link java.sql.DriverManager} through this module's
 * service). The protocol, transport and typecasting internals are not exported.
 *
 * @provides java.sql.Driver {@link dev.pgreen.jdbc.PgreenDriver}, for {@code jdbc:pgreen:} URLs
 */
module dev.pgreen {
    // java.sql's types (and java.logging's Logger, through it) appear in the JDBC layer's signatures.
    requires transitive java.sql;
    // TCP keepalive settings (keepalives_idle, _interval, _count) and requirepeer's SO_PEERCRED.
    requires jdk.net;
    // verify-full reads the server certificate's subject CN as an LDAP name (RFC 4514), as OpenSSL does.
    requires java.naming;

    exports dev.pgreen;
    exports dev.pgreen.adapt;
    exports dev.pgreen.errors;
    exports dev.pgreen.extras;
    exports dev.pgreen.jdbc;
    exports dev.pgreen.replication;

    // Beside META-INF/services/java.sql.Driver, which serves the class path.
    provides java.sql.Driver with dev.pgreen.jdbc.PgreenDriver;
}
