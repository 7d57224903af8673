package dev.pgreen.transport;

import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.transport.tls.TlsSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings used to open one connection: the caller's parameters, then the {@code PG*}
 * environment variables, then libpq's defaults.
 *
 * <p>Immutable. {@link #toString()} never shows the password.
 */
public final class ConnectSettings {

    /** libpq's default socket directory on Debian-family systems, used when it exists. */
    static final String DEFAULT_SOCKET_DIR = "/var/run/postgresql";
    static final int DEFAULT_PORT = 5432;

    private static final Set<String> UTF8_NAMES = Set.of("UTF8", "UTF-8", "UNICODE");

    private final String host;
    private final String hostName;
    private final int port;
    private final String user;
    private final String database;
    private final String password;
    private final Duration connectTimeout;
    private final TlsSettings tls;
    private final String replication;
    private final Map<String, String> startupParameters;
    private final Map<String, String> params;

    private ConnectSettings(String host, String hostName, int port, String user, String database,
                            String password, Duration connectTimeout, TlsSettings tls,
                            String replication, Map<String, String> startupParameters,
                            Map<String, String> params) {
        this.host = host;
        this.hostName = hostName;
        this.port = port;
        this.user = user;
        this.database = database;
        this.password = password;
        this.connectTimeout = connectTimeout;
        this.tls = tls;
        this.replication = replication;
        this.startupParameters = startupParameters;
        this.params = params;
    }

    /**
     * Resolves the caller's {@code params} (as {@link DsnParser#parse} returns them) against
     * {@code env} ({@code System.getenv()} in production).
     *
     * <p>An empty parameter counts as given (it hides the environment variable) and then means
     * the default, as in libpq.
     *
     * @throws ProgrammingException for a bad port, connect_timeout or sslmode (from either source),
     *     or a client_encoding other than UTF8
     */
    public static ConnectSettings resolve(Map<String, String> params, Map<String, String> env) {
        var lookup = new Lookup(params, env);

        String hostName = first(lookup.get("host", "PGHOST"));
        String hostaddr = first(lookup.get("hostaddr", null));
        String host = hostaddr != null ? hostaddr : hostName != null ? hostName : defaultHost();

        int port = DEFAULT_PORT;
        String portText = first(lookup.get("port", "PGPORT"));
        if (portText != null) {
            port = DsnParser.portNumber(portText);
            if (port < 0) {
                throw lookup.invalid("port", "PGPORT", "invalid port number: \"" + portText + "\"");
            }
        }

        String user = lookup.get("user", "PGUSER");
        if (user == null) {
            user = System.getProperty("user.name");
        }
        String database = lookup.get("dbname", "PGDATABASE");
        if (database == null) {
            database = user;
        }

        Duration connectTimeout = null;
        String timeoutText = lookup.get("connect_timeout", "PGCONNECT_TIMEOUT");
        if (timeoutText != null) {
            Integer seconds = DsnParser.integer(timeoutText);
            if (seconds == null) {
                throw lookup.invalid("connect_timeout", "PGCONNECT_TIMEOUT", "invalid integer value \""
                        + timeoutText + "\" for connection option \"connect_timeout\"");
            }
            // libpq raises tiny timeouts to 2 s: one second could expire almost at once.
            if (seconds > 0) {
                connectTimeout = Duration.ofSeconds(Math.max(seconds, 2));
            }
        }

        TlsSettings tls = TlsSettings.resolve(lookup, env.get("HOME"));

        String encoding = lookup.get("client_encoding", "PGCLIENTENCODING");
        // The codecs decode text as UTF-8 only, so any other encoding would corrupt data.
        if (encoding != null && !UTF8_NAMES.contains(encoding.toUpperCase(Locale.ROOT))) {
            throw lookup.invalid("client_encoding", "PGCLIENTENCODING", "unsupported client_encoding \""
                    + encoding + "\" (pgreen always uses UTF8)");
        }

        String appName = lookup.get("application_name", "PGAPPNAME");
        if (appName == null) {
            appName = lookup.get("fallback_application_name", null);
        }
        String options = lookup.get("options", "PGOPTIONS");
        String replication = lookup.get("replication", null);

        var startup = new LinkedHashMap<String, String>();
        startup.put("user", user);
        startup.put("database", database);
        if (appName != null) {
            startup.put("application_name", appName);
        }
        if (options != null) {
            startup.put("options", options);
        }
        if (replication != null) {
            startup.put("replication", replication);
        }
        startup.put("client_encoding", "UTF8");
        startup.put("DateStyle", "ISO, MDY");

        return new ConnectSettings(host, hostName, port, user, database,
                lookup.get("password", "PGPASSWORD"), connectTimeout, tls, replication,
                Collections.unmodifiableMap(startup),
                Collections.unmodifiableMap(new LinkedHashMap<>(params)));
    }

    /**
     * The first host to connect to: the first {@code hostaddr} when given, else the first
     * {@code host}, else {@code /var/run/postgresql} if that directory exists, else
     * {@code localhost}.
     */
    public String host() {
        return host;
    }

    /** The first {@code host} name as given (for TLS verification and messages), or null if only a hostaddr was given. */
    public String hostName() {
        return hostName;
    }

    /** The port for the first host; 5432 by default. */
    public int port() {
        return port;
    }

    /** Whether {@link #host()} is a Unix-domain socket directory (it starts with {@code /}). */
    public boolean isUnixSocket() {
        return host.startsWith("/");
    }

    /** The socket file, {@code <host>/.s.PGSQL.<port>}, or null if this is not a Unix socket. */
    public Path unixSocketPath() {
        return isUnixSocket() ? Path.of(host, ".s.PGSQL." + port) : null;
    }

    /** The user name; by default the {@code user.name} system property. */
    public String user() {
        return user;
    }

    /** The database name; by default the user name. */
    public String database() {
        return database;
    }

    /** The password, or null if none was given. */
    public String password() {
        return password;
    }

    /** How long connecting may take (at least 2 s), or null for no limit. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The sslmode; {@code prefer} by default. */
    public String sslmode() {
        return tls.sslmode();
    }

    /** The TLS settings (sslmode, sslrootcert, channel_binding, ...). */
    public TlsSettings tls() {
        return tls;
    }

    /** The replication parameter as given ({@code true}, {@code database}, ...), or null. */
    public String replication() {
        return replication;
    }

    /** The caller's value of any libpq keyword (e.g. {@code sslrootcert}), or null; no fallbacks. */
    public String param(String key) {
        return params.get(key);
    }

    /**
     * The parameters for the StartupMessage, in order: user, database, application_name,
     * options, replication (each when set), client_encoding {@code UTF8}, DateStyle
     * {@code ISO, MDY}. Unmodifiable.
     */
    public Map<String, String> startupParameters() {
        return startupParameters;
    }

    @Override
    public String toString() {
        return "ConnectSettings[host=" + host + ", port=" + port + ", user=" + user
                + ", database=" + database + (password != null ? ", password=xxx" : "")
                + ", sslmode=" + tls.sslmode()
                + (connectTimeout != null ? ", connectTimeout=" + connectTimeout.toSeconds() + "s" : "")
                + (replication != null ? ", replication=" + replication : "") + "]";
    }

    private static String defaultHost() {
        return Files.isDirectory(Path.of(DEFAULT_SOCKET_DIR)) ? DEFAULT_SOCKET_DIR : "localhost";
    }

    /** The first item of a comma-separated list, or null if it is empty (meaning the default). */
    private static String first(String list) {
        if (list == null) {
            return null;
        }
        int comma = list.indexOf(',');
        String item = comma < 0 ? list : list.substring(0, comma);
        return item.isBlank() ? null : item.strip();
    }

    /** A parameter, else its environment variable; null when unset or empty. */
    // Not a record: a record's toString would print the password.
    private static final class Lookup implements TlsSettings.Source {
        private final Map<String, String> params;
        private final Map<String, String> env;

        Lookup(Map<String, String> params, Map<String, String> env) {
            this.params = params;
            this.env = env;
        }

        @Override
        public String get(String key, String envVar) {
            String value = params.get(key);
            if (value == null && envVar != null) {
                value = env.get(envVar);
            }
            return value == null || value.isEmpty() ? null : value;
        }

        @Override
        public ProgrammingException invalid(String key, String envVar, String what) {
            String source = params.containsKey(key) ? "invalid dsn: " : "invalid " + envVar + ": ";
            return new ProgrammingException(source + what);
        }
    }
}
