package dev.pgreen.bench;

import dev.pgreen.testing.TestServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the workloads run: the DSN given on the command line, else a
 * throwaway local PostgreSQL, in the same form for pgreen and for pgjdbc.
 */
final class Servers {
    private final String dsn;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private String host;
    private int port;
    private String database;

    private TestServer local;

    private Servers(String dsn, String jdbcUrl, String user, String password) {
        this.dsn = dsn;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    static Servers local() {
        TestServer s = TestServer.get();
        // Settings of WORKLOADS.md: synchronous_commit=off and wal_level=logical (the harness sets both).
        s.psql("SELECT 1");
        // The harness's DSN asks for plaintext from its TLS-enabled server; pgjdbc must be told the same.
        String jdbcUrl = "jdbc:postgresql://" + s.host() + ":" + s.port() + "/" + s.database()
                + (s.certificates().isPresent() ? "?sslmode=disable" : "");
        Servers servers = new Servers(s.dsn(), jdbcUrl, s.user(), null);
        servers.local = s;
        servers.host = s.host();
        servers.port = s.port();
        servers.database = s.database();
        return servers;
    }

    static Servers of(String host, int port, String db, String user, String password) {
        String dsn = "host=" + host + " port=" + port + " dbname=" + db + " user=" + user
                + (password == null ? "" : " password=" + password);
        Servers servers = new Servers(dsn, "jdbc:postgresql://" + host + ":" + port + "/" + db, user, password);
        servers.host = host;
        servers.port = port;
        servers.database = db;
        return servers;
    }

    /**
     * The same server and role with {@code sslmode} set for pgreen and pgjdbc alike (W1t, W2t: the
     * workloads over TLS; neither verifies the certificate with {@code require}).
     */
    Servers withSslmode(String mode) {
        Servers servers = new Servers(dsn.replaceAll("\\s*\\bsslmode=\\S+", "") + " sslmode=" + mode,
                jdbcUrl.replaceFirst("\\?sslmode=[^&]*$", "") + "?sslmode=" + mode, user, password);
        servers.local = local;
        servers.host = host;
        servers.port = port;
        servers.database = database;
        return servers;
    }

    /** The same server and role through another address (W8's latency proxy on loopback). */
    Servers via(String host, int port) {
        return of(host, port, database, user, password);
    }

    /** The sslmode the DSN names, or null (libpq's default). */
    String sslmode() {
        Matcher m = Pattern.compile("\\bsslmode=(\\S+)").matcher(dsn);
        return m.find() ? m.group(1) : null;
    }

    /** The pgbench binary beside the local server's, else the one pg_config names, else none. */
    Optional<String> pgbenchBinary() {
        String dir = local != null ? local.binDir() : null;
        if (dir == null) {
            try {
                Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                dir = p.waitFor() == 0 ? out : null;
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        Path pgbench = dir == null ? null : Path.of(dir, "pgbench");
        return pgbench != null && Files.isExecutable(pgbench)
                ? Optional.of(pgbench.toString()) : Optional.empty();
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String database() {
        return database;
    }

    String password() {
        return password;
    }

    String dsn() {
        return dsn;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    String user() {
        return user;
    }

    /** The same server as a {@code jdbc:pgreen:} URL (pgreen's JDBC driver). */
    String pgreenJdbcUrl() {
        return jdbcUrl.replaceFirst("^jdbc:postgresql:", "jdbc:pgreen:");
    }

    /** pgbench -i -s 10 data (W3), made once on the local server. */
    void ensurePgbenchData() throws Exception {
        try (java.sql.Connection c = jdbc(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'pgbench_accounts'")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        if (local == null) {
            throw new IllegalStateException("no pgbench_accounts table: run pgbench -i -s 10 on the server first");
        }
        Process p = new ProcessBuilder(local.binDir() + "/pgbench", "-i", "-s", "10", "-q", "-h", local.host(),
                "-p", String.valueOf(local.port()), "-U", local.user(), local.database())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("pgbench -i -s 10 failed");
        }
    }

    java.sql.Connection jdbc() throws java.sql.SQLException {
        return jdbc(null, null);
    }

    /** A connection through whichever JDBC driver takes {@code url}, as this server's user. */
    java.sql.Connection jdbc(String url) throws java.sql.SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return java.sql.DriverManager.getConnection(url, p);
    }

    /** A pgjdbc connection, with one extra connection property when {@code key} is not null. */
    java.sql.Connection jdbc(String key, String value) throws java.sql.SQLException {
        java.util.Properties p = new java.util.Properties();
        if (key != null) {
            p.setProperty(key, value);
        }
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return java.sql.DriverManager.getConnection(jdbcUrl, p);
    }
}
