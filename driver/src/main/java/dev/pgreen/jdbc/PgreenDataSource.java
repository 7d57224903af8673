package dev.pgreen.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A {@link DataSource} for a {@code jdbc:pgreen:} URL: a new pgreen connection per {@link #getConnection()}
 * (put a pool such as HikariCP in front of it). {@code setUser}/{@code setPassword} supply what the URL
 * leaves out; {@code setLoginTimeout} becomes libpq's {@code connect_timeout}.
 */
public class PgreenDataSource implements DataSource {
    private volatile String url;
    private volatile String user;
    private volatile String password;
    private volatile int loginTimeout;
    private volatile PrintWriter logWriter;

    /** A data source without a URL yet: set one with {@link #setUrl}. */
    public PgreenDataSource() {
    }

    /**
     * A data source for {@code url}.
     *
     * @param url a {@code jdbc:pgreen://host[:port][,host2[:port2]...]/database[?key=value&...]} URL
     */
    public PgreenDataSource(String url) {
        this.url = url;
    }

    /**
     * Sets the URL connections are made to.
     *
     * @param url a {@code jdbc:pgreen:} URL; its keys are libpq's settings
     */
    public void setUrl(String url) {
        this.url = url;
    }

    /**
     * The URL connections are made to.
     *
     * @return the URL, or null when none was set
     */
    public String getUrl() {
        return url;
    }

    /**
     * Sets the user name {@link #getConnection()} logs in as, unless the URL names one.
     *
     * @param user the role name, or null
     */
    public void setUser(String user) {
        this.user = user;
    }

    /**
     * The user name {@link #getConnection()} logs in as.
     *
     * @return the name set, or null
     */
    public String getUser() {
        return user;
    }

    /**
     * Sets the password {@link #getConnection()} uses, unless the URL gives one. It is never shown.
     *
     * @param password the password, or null
     */
    public void setPassword(String password) {
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        if (url == null) {
            throw new SQLException("PgreenDataSource has no URL: call setUrl(\"jdbc:pgreen://host/database\")",
                    "08001");
        }
        Properties p = new Properties();
        if (username != null) {
            p.setProperty("user", username);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        if (loginTimeout > 0) {
            p.setProperty("connect_timeout", Integer.toString(loginTimeout));
        }
        return PgreenDriver.connect(JdbcUrl.parse(url, p));
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = Math.max(0, seconds);
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw SqlExceptions.notSupported("java.util.logging");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return SqlExceptions.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        // The query string may hold a password: never shown.
        String u = url;
        return "PgreenDataSource(" + (u == null ? null : u.replaceFirst("\\?.*", "?...")) + ")";
    }
}
