package dev.pgreen.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The PostgreSQL server of the test run: one per JVM, started lazily by {@link #get()} and stopped at the end
 * of the run ({@link PgServerExtension}) or at JVM exit (shutdown hook). It never uses pgreen's own driver:
 * setup SQL goes through the {@code psql} binary.
 *
 * <p>Which server, in order:
 * <ol>
 *   <li>{@code PGREEN_TEST_DSN} (key=value or URI) is set: that server, as given; nothing is created.</li>
 *   <li>A Docker engine answers: a Testcontainers {@code postgres:15} with the test roles.</li>
 *   <li>Otherwise a throwaway cluster from the local binaries (pg_config --bindir, /usr/lib/postgresql/N/bin).</li>
 * </ol>
 * The thrown-away servers run with wal_level=logical, max_connections=300, max_wal_senders=20,
 * max_replication_slots=20, and have the roles of {@link TestRoles} with the pg_hba rules of
 * {@link TestRoles#hbaConf}.
 */
public final class TestServer {

    /** Where the server comes from. */
    public enum Kind {
        /** {@code PGREEN_TEST_DSN}: someone else's server. */
        EXTERNAL,
        /** A Testcontainers {@code postgres:15} container. */
        CONTAINER,
        /** A throwaway cluster run from the local binaries. */
        LOCAL
    }

    /** What each kind of server does differently. */
    interface Backend {
        /** Runs SQL as the superuser, returns stdout trimmed; throws on failure. */
        String psql(String sql);

        void stop();
    }

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static TestServer current; // guarded by LOCK
    private static RuntimeException failure; // guarded by LOCK: a failed start is not retried
    private static boolean hookInstalled; // guarded by LOCK
    private static volatile boolean jvmExiting;

    private final Kind kind;
    /** host, port, user, dbname first, then any other connection parameters (superuser). */
    private final Map<String, String> params;
    private final Backend backend;
    private final Optional<String> socketDir;
    private final String description;
    private volatile String binDir;
    private volatile Boolean hasTestRoles;
    private final Optional<TestCertificates> certificates;

    private TestServer(Kind kind, Map<String, String> params, Backend backend, Optional<String> socketDir,
                       String binDir, Boolean hasTestRoles, String description) {
        this(kind, params, backend, socketDir, binDir, hasTestRoles, description, Optional.empty());
    }

    private TestServer(Kind kind, Map<String, String> params, Backend backend, Optional<String> socketDir,
                       String binDir, Boolean hasTestRoles, String description, Optional<TestCertificates> certificates) {
        this.certificates = certificates;
        this.kind = kind;
        this.params = params;
        this.backend = backend;
        this.socketDir = socketDir;
        this.binDir = binDir;
        this.hasTestRoles = hasTestRoles;
        this.description = description;
    }

    /** The server of this JVM, started on first use (thread-safe). A failed start is rethrown on every call. */
    public static TestServer get() {
        LOCK.lock();
        try {
            if (current != null) return current;
            if (jvmExiting) throw new IllegalStateException("the JVM is exiting: no pgreen test server");
            if (failure != null) {
                throw new IllegalStateException("the pgreen test server failed to start earlier: " + failure.getMessage(),
                        failure);
            }
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    jvmExiting = true;
                    shutdown();
                }, "pgreen-test-server-stop"));
                hookInstalled = true;
            }
            try {
                current = start();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            System.err.println(current.description);
            return current;
        } finally {
            LOCK.unlock();
        }
    }

    /** Stops the server if one is running (idempotent); a later {@link #get()} starts a new one. */
    public static void shutdown() {
        boolean locked = false;
        try {
            locked = LOCK.tryLock(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            TestServer s = current;
            current = null;
            if (s != null) s.backend.stop();
        } finally {
            if (locked) LOCK.unlock();
        }
    }

    private static TestServer start() {
        String dsn = System.getenv("PGREEN_TEST_DSN");
        if (dsn != null && !dsn.isBlank()) return external(dsn.trim());
        if (dockerMayExist() && dockerAnswers()) return container();
        return local();
    }

    private static boolean dockerMayExist() {
        return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    }

    /** Only here are Testcontainers classes loaded; absent from the class path means no Docker. */
    private static boolean dockerAnswers() {
        try {
            return ContainerServer.dockerAvailable();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static TestServer local() {
        LocalCluster c = LocalCluster.start();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("host", "127.0.0.1");
        params.put("port", Integer.toString(c.port));
        params.put("user", TestRoles.SUPERUSER);
        params.put("dbname", TestRoles.DATABASE);
        // The cluster runs with ssl=on, so libpq's default (prefer) would put every test on TLS: proxies that read
        // or garble the protocol, and the fuzz trials, need plaintext. The TLS tests ask for their sslmode.
        if (c.certificates != null) params.put("sslmode", "disable");
        String description = "pgreen tests: throwaway PostgreSQL " + c.majorVersion + " at 127.0.0.1:" + c.port
                + (c.certificates != null ? " with TLS" : " without TLS (no openssl)") + " (data in " + c.dir + ")";
        return new TestServer(Kind.LOCAL, params, c, Optional.of(c.socketDir.toString()), c.binDir, true, description,
                Optional.ofNullable(c.certificates));
    }

    private static TestServer container() {
        ContainerServer c = ContainerServer.start();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("host", c.host());
        params.put("port", Integer.toString(c.port()));
        params.put("user", TestRoles.SUPERUSER);
        params.put("dbname", TestRoles.DATABASE);
        String description = "pgreen tests: Testcontainers postgres:15 at " + c.host() + ":" + c.port();
        return new TestServer(Kind.CONTAINER, params, c, Optional.empty(), null, true, description);
    }

    private static TestServer external(String dsn) {
        Map<String, String> given = isUri(dsn) ? parseUri(dsn) : parseKeyValue(dsn);
        Map<String, String> params = new LinkedHashMap<>();
        String user = firstNonNull(given.get("user"), System.getenv("PGUSER"), System.getProperty("user.name"));
        params.put("host", firstNonNull(given.get("host"), System.getenv("PGHOST"), "localhost"));
        params.put("port", firstNonNull(given.get("port"), System.getenv("PGPORT"), "5432"));
        params.put("user", user);
        params.put("dbname", firstNonNull(given.get("dbname"), System.getenv("PGDATABASE"), user));
        given.forEach(params::putIfAbsent);
        String host = params.get("host");
        Optional<String> socketDir = host.startsWith("/") ? Optional.of(host) : Optional.empty();
        Backend backend = new Backend() {
            @Override
            public String psql(String sql) {
                // The DSN as given; the environment is kept (PGPASSWORD, PGSSLMODE, ...).
                return LocalCluster.runPsql(psqlBinary(), dsn, sql, System.getenv());
            }

            @Override
            public void stop() {
                // not ours
            }
        };
        String description = "pgreen tests: external PostgreSQL from PGREEN_TEST_DSN at " + host + ":" + params.get("port")
                + " (user " + user + ", database " + params.get("dbname") + ")";
        return new TestServer(Kind.EXTERNAL, params, backend, socketDir, null, null, description);
    }

    // ---- accessors ----

    public Kind kind() {
        return kind;
    }

    /** The throw-away cluster behind a {@link Kind#LOCAL} server, else null. */
    LocalCluster localCluster() {
        return backend instanceof LocalCluster c ? c : null;
    }

    /** The superuser's key=value connection string, e.g. {@code host=127.0.0.1 port=N user=pgreen dbname=pgreen}. */
    public String dsn() {
        return renderKeyValue(params);
    }

    /** The key=value connection string of another role on the same server and database; no password if null. */
    public String dsn(String user, String password) {
        return renderKeyValue(withUser(user, password));
    }

    /**
     * {@link #dsn(String, String)} without the harness's {@code sslmode=disable}, so that libpq's default
     * ({@code prefer}) applies: for the TLS tests.
     */
    public String tlsDsn(String user, String password) {
        Map<String, String> p = withUser(user, password);
        p.remove("sslmode");
        return renderKeyValue(p);
    }

    /** {@link #tlsDsn} as a {@code postgresql://} URI (no query part). */
    public String tlsUri(String user, String password) {
        Map<String, String> p = withUser(user, password);
        p.remove("sslmode");
        return renderUri(p);
    }

    /** {@link #dsn()} reaching {@code host:port} instead: a proxy in front of the server ({@link FaultProxy}). */
    String dsnAt(String host, int port) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("host", host);
        p.put("port", Integer.toString(port));
        return renderKeyValue(p);
    }

    /** {@link #dsn()} as a {@code postgresql://} URI. */
    public String uri() {
        return renderUri(params);
    }

    /** {@link #dsn(String, String)} as a {@code postgresql://} URI. */
    public String uri(String user, String password) {
        return renderUri(withUser(user, password));
    }

    public String host() {
        return params.get("host");
    }

    public int port() {
        return Integer.parseInt(params.get("port"));
    }

    /** The superuser. */
    public String user() {
        return params.get("user");
    }

    public String database() {
        return params.get("dbname");
    }

    /** The unix socket directory when the server is local (connect with host=DIR port=N); empty otherwise. */
    public Optional<String> socketDir() {
        return socketDir;
    }

    /**
     * The run's certificates when the server runs with TLS and the TLS roles of {@link TestRoles}
     * (the throwaway local cluster with openssl at hand); empty otherwise, and TLS tests are skipped.
     */
    public Optional<TestCertificates> certificates() {
        return certificates;
    }

    /** True when the roles of {@link TestRoles} exist (always for the thrown-away servers; checked for PGREEN_TEST_DSN). */
    public boolean hasTestRoles() {
        Boolean has = hasTestRoles;
        if (has == null) {
            try {
                has = "5".equals(psql(TestRoles.COUNT_ROLES_SQL));
            } catch (RuntimeException e) {
                has = false;
            }
            hasTestRoles = has;
        }
        return has;
    }

    /**
     * Runs SQL (one or more statements) as the superuser through psql {@code -X -A -t -q -v ON_ERROR_STOP=1};
     * returns stdout trimmed (rows one a line, columns separated by {@code |}); throws on any error.
     */
    public String psql(String sql) {
        return backend.psql(sql);
    }

    /** The directory of the local PostgreSQL binaries (psql, pg_dump, pg_basebackup...); throws if there are none. */
    public String binDir() {
        String dir = binDir;
        if (dir == null) {
            dir = clientBinDir();
            binDir = dir;
        }
        return dir;
    }

    @Override
    public String toString() {
        return description;
    }

    // ---- helpers ----

    private static String clientBinDir() {
        Optional<String> full = LocalCluster.findBinDir();
        if (full.isPresent()) return full.get();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, "psql"))) return d;
            }
        }
        throw new IllegalStateException("no local PostgreSQL client binaries (psql) found: install them with "
                + "`apt-get install -y postgresql` (or postgresql-client)");
    }

    private static String psqlBinary() {
        return clientBinDir() + "/psql";
    }

    private Map<String, String> withUser(String user, String password) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("user", user);
        p.remove("password");
        if (password != null) p.put("password", password);
        return p;
    }

    private static String firstNonNull(String... values) {
        return Arrays.stream(values).filter(v -> v != null && !v.isEmpty()).findFirst().orElse(null);
    }

    static boolean isUri(String dsn) {
        return dsn.startsWith("postgresql://") || dsn.startsWith("postgres://");
    }

    /** Minimal libpq key=value parser: {@code key = value}, values optionally single-quoted, backslash escapes. */
    static Map<String, String> parseKeyValue(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= n) return out;
            int k = i;
            while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) i++;
            String key = s.substring(k, i);
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= n || s.charAt(i) != '=') throw new IllegalArgumentException("missing '=' after \"" + key + "\" in DSN");
            i++;
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            StringBuilder v = new StringBuilder();
            if (i < n && s.charAt(i) == '\'') {
                i++;
                while (i < n && s.charAt(i) != '\'') {
                    if (s.charAt(i) == '\\' && i + 1 < n) i++;
                    v.append(s.charAt(i++));
                }
                if (i >= n) throw new IllegalArgumentException("unterminated quoted value for \"" + key + "\" in DSN");
                i++;
            } else {
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    if (s.charAt(i) == '\\' && i + 1 < n) i++;
                    v.append(s.charAt(i++));
                }
            }
            out.put(key, v.toString());
        }
    }

    /** Minimal URI parser: postgresql://[user[:password]@][host][:port][/dbname][?key=value&...]. */
    static Map<String, String> parseUri(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        String rest = s.substring(s.indexOf("://") + 3);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String db = rest.substring(slash + 1);
            if (!db.isEmpty()) out.put("dbname", decode(db));
            rest = rest.substring(0, slash);
        }
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
            if (!user.isEmpty()) out.put("user", decode(user));
            if (colon >= 0) out.put("password", decode(userInfo.substring(colon + 1)));
        }
        String host = rest;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            host = rest.substring(1, close);
            if (close + 1 < rest.length() && rest.charAt(close + 1) == ':') port = rest.substring(close + 2);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                host = rest.substring(0, colon);
                port = rest.substring(colon + 1);
            }
        }
        if (!host.isEmpty()) out.put("host", decode(host));
        if (port != null && !port.isEmpty()) out.put("port", port);
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
                out.put(key, eq >= 0 ? decode(pair.substring(eq + 1)) : "");
            }
        }
        return out;
    }

    private static String decode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length) {
                out.write(Integer.parseInt(new String(bytes, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    static String renderKeyValue(Map<String, String> p) {
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> {
            if (sb.length() > 0) sb.append(' ');
            sb.append(k).append('=');
            boolean quote = v.isEmpty() || v.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '\\');
            if (quote) {
                sb.append('\'').append(v.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
            } else {
                sb.append(v);
            }
        });
        return sb.toString();
    }

    static String renderUri(Map<String, String> p) {
        StringBuilder sb = new StringBuilder("postgresql://");
        String user = p.get("user");
        String password = p.get("password");
        if (user != null) {
            sb.append(encode(user));
            if (password != null) sb.append(':').append(encode(password));
            sb.append('@');
        }
        String host = p.get("host");
        boolean socketHost = host != null && host.startsWith("/");
        if (host != null && !socketHost) sb.append(host.contains(":") ? "[" + host + "]" : host);
        if (p.get("port") != null) sb.append(':').append(p.get("port"));
        sb.append('/');
        if (p.get("dbname") != null) sb.append(encode(p.get("dbname")));
        StringBuilder query = new StringBuilder();
        if (socketHost) query.append("host=").append(encode(host));
        p.forEach((k, v) -> {
            if (List.of("host", "port", "user", "password", "dbname").contains(k)) return;
            if (query.length() > 0) query.append('&');
            query.append(encode(k)).append('=').append(encode(v));
        });
        if (query.length() > 0) sb.append('?').append(query);
        return sb.toString();
    }
}
