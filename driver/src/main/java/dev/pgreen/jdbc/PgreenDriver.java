package dev.pgreen.jdbc;

import dev.pgreen.Pgreen;
import dev.pgreen.errors.PgException;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * pgreen's {@link java.sql.Driver}, for URLs {@code jdbc:pgreen://host[:port][,host2[:port2]...]/database
 * [?key=value&...]} whose keys are libpq's (see {@link JdbcUrl}), plus the Properties {@code user} and
 * {@code password}. Registered through {@code META-INF/services/java.sql.Driver}. Every wait of its
 * connections goes through pgreen's wait callback: with {@code Loom.install()} JDBC code runs green on
 * virtual threads.
 */
public final class PgreenDriver implements Driver {
    static final int MAJOR = 0;
    static final int MINOR = 1;

    /**
     * A driver; one is registered with {@link DriverManager} when the class loads, and the service loader
     * makes others as it pleases: all behave alike.
     */
    public PgreenDriver() {
    }

    static {
        try {
            DriverManager.registerDriver(new PgreenDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        return connect(JdbcUrl.parse(url, info));
    }

    static Connection connect(JdbcUrl.Parsed parsed) throws SQLException {
        dev.pgreen.Connection pg;
        try {
            pg = Pgreen.connect(parsed.dsn());
        } catch (PgException e) {
            throw SqlExceptions.map(e, false);
        }
        return new JdbcConnection(pg, parsed.options());
    }

    @Override
    public boolean acceptsURL(String url) {
        return JdbcUrl.accepts(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        DriverPropertyInfo user = new DriverPropertyInfo("user", info == null ? null : info.getProperty("user"));
        user.description = "the PostgreSQL user name";
        DriverPropertyInfo password = new DriverPropertyInfo("password", null);
        password.description = "the password (never shown in a message)";
        DriverPropertyInfo threshold = new DriverPropertyInfo("prepareThreshold", "5");
        threshold.description = "uses of a statement on a connection before it stays prepared on the server";
        return new DriverPropertyInfo[] {user, password, threshold};
    }

    @Override
    public int getMajorVersion() {
        return MAJOR;
    }

    @Override
    public int getMinorVersion() {
        return MINOR;
    }

    /** Not a full JDBC compliance claim: no updatable result sets, no LOBs. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw SqlExceptions.notSupported("java.util.logging");
    }

    /**
     * The pgreen exception behind a JDBC one: its {@code diag()} holds every field of the server's error.
     *
     * @param e an exception a pgreen JDBC object raised
     * @return the {@link PgException} in its cause chain, or null when there is none
     */
    public static PgException pgreenException(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                return pg;
            }
        }
        return null;
    }
}
