package dev.pgreen.transport;

import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.auth.RequireAuth;
import dev.pgreen.transport.tls.TlsSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings used to open a connection: the caller's parameters, then those of the service
 * ({@code service}, {@code PGSERVICE}), then the {@code PG*} environment variables, then
 * libpq's defaults.
 *
 * <p>{@link #resolve} gives the settings for every host of the {@code host}/{@code hostaddr}/
 * {@code port} lists ({@link #hosts()}), positioned on the first; {@link #forHost} gives those of
 * one connect attempt, with that host's password from the password file when none was given.
 *
 * <p>Immutable. {@link #toString()} never shows the password.
 */
public final class ConnectSettings {

    /** libpq's default socket directory on Debian-family systems, used when it exists. */
    static final String DEFAULT_SOCKET_DIR = "/var/run/postgresql";
    static final int DEFAULT_PORT = 5432;

    private static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final Set<String> WEAKER_THAN_REQUIRE = Set.of("disable", "allow", "prefer");
    private static final List<String> TLS_VERSIONS = List.of("tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3");
    private static final Set<String> UTF8_NAMES = Set.of("UTF8", "UTF-8", "UNICODE");

    // Set by resolve() and forHost() only: the object is immutable once built.
    private List<HostSpec> hosts;
    private HostSpec host;
    private String user;
    private String database;
    private String password;
    private Path passfile;
    private Path passwordFile;
    private Duration connectTimeout;
    private String sslmode;
    private TlsSettings tls;
    private String replication;
    private TargetSessionAttrs targetSessionAttrs;
    private boolean loadBalanceRandom;
    private boolean keepalives;
    private Integer keepalivesIdle;
    private Integer keepalivesInterval;
    private Integer keepalivesCount;
    private int tcpUserTimeout;
    private String requirePeer;
    private RequireAuth requireAuth;
    private String gssencmode;
    private String channelBinding;
    private String sslcertmode;
    private String sslnegotiation;
    private String sslMinProtocolVersion;
    private String sslMaxProtocolVersion;
    private Map<String, String> startupParameters;
    private Map<String, String> params;

    private ConnectSettings() {}

    private ConnectSettings copy() {
        var c = new ConnectSettings();
        c.hosts = hosts;
        c.host = host;
        c.user = user;
        c.database = database;
        c.password = password;
        c.passfile = passfile;
        c.passwordFile = passwordFile;
        c.connectTimeout = connectTimeout;
        c.sslmode = sslmode;
        c.tls = tls;
        c.replication = replication;
        c.targetSessionAttrs = targetSessionAttrs;
        c.loadBalanceRandom = loadBalanceRandom;
        c.keepalives = keepalives;
        c.keepalivesIdle = keepalivesIdle;
        c.keepalivesInterval = keepalivesInterval;
        c.keepalivesCount = keepalivesCount;
        c.tcpUserTimeout = tcpUserTimeout;
        c.requirePeer = requirePeer;
        c.requireAuth = requireAuth;
        c.gssencmode = gssencmode;
        c.channelBinding = channelBinding;
        c.sslcertmode = sslcertmode;
        c.sslnegotiation = sslnegotiation;
        c.sslMinProtocolVersion = sslMinProtocolVersion;
        c.sslMaxProtocolVersion = sslMaxProtocolVersion;
        c.startupParameters = startupParameters;
        c.params = params;
        return c;
    }

    /**
     * Resolves the caller's {@code params} (as {@link DsnParser#parse} returns them) against the
     * service they name and {@code env} ({@code System.getenv()} in production; it also gives
     * {@code HOME}, the directory of {@code .pgpass} and {@code .pg_service.conf}).
     *
     * <p>An empty parameter counts as given (it hides the service and the environment variable)
     * and then means the default, as in libpq.
     *
     * @throws ProgrammingException for a bad value of any setting (from any source, named in the
     *     message), host and port lists of different lengths, an unknown service, or a
     *     client_encoding other than UTF8
     */
    public static ConnectSettings resolve(Map<String, String> params, Map<String, String> env) {
        String serviceName = params.containsKey("service") ? params.get("service") : env.get("PGSERVICE");
        if (serviceName != null && serviceName.isEmpty()) {
            serviceName = null;
        }
        Map<String, String> service = serviceName == null ? Map.of() : ServiceFile.settings(serviceName, env);
        var lookup = new Lookup(params, service, serviceName, env);
        var s = new ConnectSettings();

        s.hosts = hostList(lookup);
        s.host = s.hosts.get(0);

        s.user = lookup.get("user", "PGUSER");
        if (s.user == null) {
            s.user = System.getProperty("user.name");
        }
        s.database = lookup.get("dbname", "PGDATABASE");
        if (s.database == null) {
            s.database = s.user;
        }
        s.password = lookup.get("password", "PGPASSWORD");
        String passfile = lookup.get("passfile", "PGPASSFILE");
        Path home = homeDirectory(env);
        s.passfile = passfile != null ? Path.of(passfile) : home == null ? null : home.resolve(".pgpass");

        Integer seconds = lookup.integer("connect_timeout", "PGCONNECT_TIMEOUT");
        // libpq raises tiny timeouts to 2 s: one second could expire almost at once.
        if (seconds != null && seconds > 0) {
            s.connectTimeout = Duration.ofSeconds(Math.max(seconds, 2));
        }

        String mode = sslmode(lookup);
        s.sslmode = mode;
        Path homeDir = homeDirectory(env);
        // The TLS settings read sslmode as resolved here (requiressl=1 means require).
        s.tls = TlsSettings.resolve(new TlsSettings.Source() {
            @Override
            public String get(String key, String envVar) {
                if (key.equals("sslmode")) {
                    return lookup.get("sslmode", "PGSSLMODE") != null || !mode.equals("prefer") ? mode : null;
                }
                return lookup.get(key, envVar);
            }

            @Override
            public ProgrammingException invalid(String key, String envVar, String what) {
                return lookup.invalid(key, envVar, what);
            }
        }, homeDir == null ? null : homeDir.toString());

        String encoding = lookup.get("client_encoding", "PGCLIENTENCODING");
        // The codecs decode text as UTF-8 only, so any other encoding would corrupt data.
        if (encoding != null && !UTF8_NAMES.contains(encoding.toUpperCase(Locale.ROOT))) {
            throw lookup.invalid("client_encoding", "PGCLIENTENCODING", "unsupported client_encoding \""
                    + encoding + "\" (pgreen always uses UTF8)");
        }

        String target = lookup.get("target_session_attrs", "PGTARGETSESSIONATTRS");
        s.targetSessionAttrs = target == null ? TargetSessionAttrs.ANY : TargetSessionAttrs.of(target);
        if (s.targetSessionAttrs == null) {
            throw lookup.invalid("target_session_attrs", "PGTARGETSESSIONATTRS",
                    "invalid target_session_attrs value: \"" + target + "\"");
        }
        s.loadBalanceRandom = "random".equals(lookup.oneOf("load_balance_hosts", "PGLOADBALANCEHOSTS",
                "disable", "disable", "random"));

        Integer keepalives = lookup.integer("keepalives", null);
        s.keepalives = keepalives == null || keepalives != 0;
        s.keepalivesIdle = nonNegative(lookup.integer("keepalives_idle", null));
        s.keepalivesInterval = nonNegative(lookup.integer("keepalives_interval", null));
        s.keepalivesCount = nonNegative(lookup.integer("keepalives_count", null));
        Integer userTimeout = nonNegative(lookup.integer("tcp_user_timeout", null));
        s.tcpUserTimeout = userTimeout == null ? 0 : userTimeout;

        s.requirePeer = lookup.get("requirepeer", "PGREQUIREPEER");
        try {
            s.requireAuth = RequireAuth.parse(lookup.get("require_auth", "PGREQUIREAUTH"));
        } catch (IllegalArgumentException e) {
            throw lookup.invalid("require_auth", "PGREQUIREAUTH", e.getMessage());
        }
        s.gssencmode = lookup.oneOf("gssencmode", "PGGSSENCMODE", "disable", "disable", "prefer", "require");
        s.channelBinding = lookup.oneOf("channel_binding", "PGCHANNELBINDING", "prefer", "disable", "prefer", "require");
        s.sslcertmode = lookup.oneOf("sslcertmode", "PGSSLCERTMODE", "allow", "disable", "allow", "require");
        s.sslnegotiation = lookup.oneOf("sslnegotiation", "PGSSLNEGOTIATION", "postgres", "postgres", "direct");
        s.sslMinProtocolVersion = tlsVersion(lookup, "ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION", "TLSv1.2");
        s.sslMaxProtocolVersion = tlsVersion(lookup, "ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION", null);
        if (s.sslMaxProtocolVersion != null && TLS_VERSIONS.indexOf(s.sslMinProtocolVersion.toLowerCase(Locale.ROOT))
                > TLS_VERSIONS.indexOf(s.sslMaxProtocolVersion.toLowerCase(Locale.ROOT))) {
            throw lookup.invalid("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION", "invalid SSL protocol version range");
        }

        String appName = lookup.get("application_name", "PGAPPNAME");
        if (appName == null) {
            appName = lookup.get("fallback_application_name", null);
        }
        String options = lookup.get("options", "PGOPTIONS");
        s.replication = lookup.get("replication", null);

        var startup = new LinkedHashMap<String, String>();
        startup.put("user", s.user);
        startup.put("database", s.database);
        if (appName != null) {
            startup.put("application_name", appName);
        }
        if (options != null) {
            startup.put("options", options);
        }
        if (s.replication != null) {
            startup.put("replication", s.replication);
        }
        startup.put("client_encoding", "UTF8");
        startup.put("DateStyle", "ISO, MDY");
        s.startupParameters = Collections.unmodifiableMap(startup);

        // What the caller set, the service's settings included: libpq treats them alike.
        var given = new LinkedHashMap<String, String>(service);
        given.putAll(params);
        s.params = Collections.unmodifiableMap(given);
        return s;
    }

    /**
     * The settings of one connect attempt to {@code h} (one of {@link #hosts()}): when no password
     * was given, the one the password file has for that host, port, database and user.
     */
    public ConnectSettings forHost(HostSpec h) {
        var c = copy();
        c.host = h;
        if (password == null && passfile != null) {
            // libpq looks the host up by its name, else by its address.
            String key = h.host() != null ? h.host() : h.hostaddr();
            c.password = PassFile.password(passfile, key, h.port(), database, user);
            c.passwordFile = c.password == null ? null : passfile;
        }
        return c;
    }

    /**
     * Refuses a setting that asks for a guarantee pgreen cannot give: the exception to raise
     * before connecting, naming the setting, or null when every setting can be honoured.
     */
    public OperationalException unsupported() {
        if (gssencmode.equals("require")) {
            return new OperationalException("gssencmode=require: pgreen does not support GSSAPI encryption "
                    + "(use sslmode to encrypt the connection)");
        }
        if (tcpUserTimeout > 0) {
            return new OperationalException("tcp_user_timeout=" + tcpUserTimeout + " cannot be honoured: the JDK cannot "
                    + "set TCP_USER_TIMEOUT on a socket (detect a dead server with keepalives_idle, "
                    + "keepalives_interval and keepalives_count instead)");
        }
        return null;
    }

    /** The home directory: {@code HOME} from {@code env}, else the {@code user.home} property (as libpq). */
    static Path homeDirectory(Map<String, String> env) {
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            home = System.getProperty("user.home");
        }
        return home == null || home.isEmpty() ? null : Path.of(home);
    }

    private static List<HostSpec> hostList(Lookup lookup) {
        List<String> names = items(lookup.get("host", "PGHOST"));
        List<String> addrs = items(lookup.get("hostaddr", "PGHOSTADDR"));
        List<String> ports = items(lookup.get("port", "PGPORT"));
        int n = !addrs.isEmpty() ? addrs.size() : !names.isEmpty() ? names.size() : 1;
        if (!addrs.isEmpty() && !names.isEmpty() && names.size() != n) {
            throw lookup.invalid("host", "PGHOST", "could not match " + names.size() + " host names to "
                    + n + " hostaddr values");
        }
        if (ports.size() > 1 && ports.size() != n) {
            throw lookup.invalid("port", "PGPORT", "could not match " + ports.size() + " port numbers to " + n + " hosts");
        }
        var hosts = new ArrayList<HostSpec>(n);
        for (int i = 0; i < n; i++) {
            String name = i < names.size() ? names.get(i) : null;
            String addr = i < addrs.size() ? addrs.get(i) : null;
            String portText = ports.isEmpty() ? null : ports.get(ports.size() == 1 ? 0 : i);
            int port = DEFAULT_PORT;
            if (portText != null) {
                port = DsnParser.portNumber(portText);
                if (port < 0) {
                    throw lookup.invalid("port", "PGPORT", "invalid port number: \"" + portText + "\"");
                }
            }
            if (name == null && addr == null) {
                name = defaultHost();
            }
            hosts.add(new HostSpec(name, addr, port));
        }
        return List.copyOf(hosts);
    }

    /** The items of a comma-separated list, stripped, an empty one as null; no items for null. */
    private static List<String> items(String list) {
        if (list == null) {
            return List.of();
        }
        var out = new ArrayList<String>();
        for (String item : list.split(",", -1)) {
            out.add(item.isBlank() ? null : item.strip());
        }
        return out;
    }

    private static String sslmode(Lookup lookup) {
        String sslmode = lookup.get("sslmode", "PGSSLMODE");
        if (sslmode != null && !SSL_MODES.contains(sslmode)) {
            throw lookup.invalid("sslmode", "PGSSLMODE", "invalid sslmode value: \"" + sslmode + "\"");
        }
        // The deprecated requiressl: a value starting with 1 means sslmode=require.
        String requiressl = lookup.get("requiressl", "PGREQUIRESSL");
        if (requiressl == null || !requiressl.startsWith("1")) {
            return sslmode == null ? "prefer" : sslmode;
        }
        if (sslmode == null) {
            return "require";
        }
        if (lookup.isSet("requiressl") && WEAKER_THAN_REQUIRE.contains(sslmode)) {
            // Which of the two the caller meant is unknown; silently dropping requiressl would be a downgrade.
            throw lookup.invalid("requiressl", null, "requiressl=1 conflicts with sslmode=" + sslmode);
        }
        return sslmode;
    }

    private static String tlsVersion(Lookup lookup, String key, String envVar, String dflt) {
        String version = lookup.get(key, envVar);
        if (version == null) {
            return dflt;
        }
        if (!TLS_VERSIONS.contains(version.toLowerCase(Locale.ROOT))) {
            throw lookup.invalid(key, envVar, "invalid " + key + " value: \"" + version + "\"");
        }
        return version;
    }

    private static Integer nonNegative(Integer value) {
        return value == null ? null : Math.max(0, value);
    }

    /** Every host to try, in the order given, each with its port. */
    public List<HostSpec> hosts() {
        return hosts;
    }

    /** The host these settings are for: the first of {@link #hosts()}, or the one of {@link #forHost}. */
    public HostSpec hostSpec() {
        return host;
    }

    /**
     * What to connect to: the {@code hostaddr} when given, else the host (the first one, or the one
     * of {@link #forHost}); by default {@code /var/run/postgresql} if that directory exists, else
     * {@code localhost}.
     */
    public String host() {
        return host.connectTo();
    }

    /** The {@code host} name as given (for TLS verification and messages), or null if only a hostaddr was given. */
    public String hostName() {
        return host.host();
    }

    /** The port of {@link #host()}; 5432 by default. */
    public int port() {
        return host.port();
    }

    /** Whether {@link #host()} is a Unix-domain socket directory (it starts with {@code /}). */
    public boolean isUnixSocket() {
        return host.isUnixSocket();
    }

    /** The socket file, {@code <host>/.s.PGSQL.<port>}, or null if this is not a Unix socket. */
    public Path unixSocketPath() {
        return isUnixSocket() ? Path.of(host.host(), ".s.PGSQL." + port()) : null;
    }

    /** The user name; by default the {@code user.name} system property. */
    public String user() {
        return user;
    }

    /** The database name; by default the user name. */
    public String database() {
        return database;
    }

    /** The password, or null if none was given (or, after {@link #forHost}, none was found in the password file). */
    public String password() {
        return password;
    }

    /** The password file {@link #password()} came from, or null when it was given or there is none. */
    public Path passwordFile() {
        return passwordFile;
    }

    /** How long connecting to each host may take (at least 2 s), or null for no limit. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The sslmode; {@code prefer} by default ({@code require} with {@code requiressl=1}). */
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

    /** Which server to accept among the hosts; {@code any} by default. */
    public TargetSessionAttrs targetSessionAttrs() {
        return targetSessionAttrs;
    }

    /** Whether the hosts (and each host's addresses) are tried in random order ({@code load_balance_hosts=random}). */
    public boolean loadBalanceRandom() {
        return loadBalanceRandom;
    }

    /** Whether TCP keepalives are on ({@code keepalives}, default 1). */
    public boolean keepalives() {
        return keepalives;
    }

    /** Seconds of silence before the first keepalive probe, or null (0 too) for the system's default. */
    public Integer keepalivesIdle() {
        return keepalivesIdle;
    }

    /** Seconds between unanswered probes, or null for the system's default. */
    public Integer keepalivesInterval() {
        return keepalivesInterval;
    }

    /** Unanswered probes before the connection is dead, or null for the system's default. */
    public Integer keepalivesCount() {
        return keepalivesCount;
    }

    /** {@code tcp_user_timeout} in milliseconds; 0 (the default) for the system's. */
    public int tcpUserTimeout() {
        return tcpUserTimeout;
    }

    /** The operating-system user the server must run as on a Unix socket ({@code requirepeer}), or null. */
    public String requirePeer() {
        return requirePeer;
    }

    /** The authentication methods the server may ask for ({@code require_auth}). */
    public RequireAuth requireAuth() {
        return requireAuth;
    }

    /** {@code channel_binding}: disable, prefer (default) or require. */
    public String channelBinding() {
        return channelBinding;
    }

    /** {@code sslcertmode}: disable, allow (default) or require. */
    public String sslcertmode() {
        return sslcertmode;
    }

    /** {@code sslnegotiation}: postgres (default) or direct. */
    public String sslnegotiation() {
        return sslnegotiation;
    }

    /** {@code ssl_min_protocol_version} as given (TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3); TLSv1.2 by default. */
    public String sslMinProtocolVersion() {
        return sslMinProtocolVersion;
    }

    /** {@code ssl_max_protocol_version} as given, or null for no upper bound. */
    public String sslMaxProtocolVersion() {
        return sslMaxProtocolVersion;
    }

    /**
     * The caller's value of any libpq keyword (e.g. {@code sslrootcert}), or one from the service
     * it names; null otherwise (no environment or defaults).
     */
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
        return "ConnectSettings[host=" + host() + ", port=" + port()
                + (hosts.size() > 1 ? ", hosts=" + hosts : "")
                + ", user=" + user + ", database=" + database + (password != null ? ", password=xxx" : "")
                + ", sslmode=" + sslmode
                + (connectTimeout != null ? ", connectTimeout=" + connectTimeout.toSeconds() + "s" : "")
                + (targetSessionAttrs != TargetSessionAttrs.ANY ? ", targetSessionAttrs=" + targetSessionAttrs.setting() : "")
                + (replication != null ? ", replication=" + replication : "") + "]";
    }

    private static String defaultHost() {
        return Files.isDirectory(Path.of(DEFAULT_SOCKET_DIR)) ? DEFAULT_SOCKET_DIR : "localhost";
    }

    /** A parameter, else the service's setting, else its environment variable; null when unset or empty. */
    // Not a record: a record's toString would print the password.
    private static final class Lookup {
        private final Map<String, String> params;
        private final Map<String, String> service;
        private final String serviceName;
        private final Map<String, String> env;

        Lookup(Map<String, String> params, Map<String, String> service, String serviceName, Map<String, String> env) {
            this.params = params;
            this.service = service;
            this.serviceName = serviceName;
            this.env = env;
        }

        String get(String key, String envVar) {
            String value = params.get(key);
            if (value == null) {
                value = service.get(key);
            }
            if (value == null && envVar != null) {
                value = env.get(envVar);
            }
            return value == null || value.isEmpty() ? null : value;
        }

        /** Whether the caller (or the service) set {@code key}, the environment aside. */
        boolean isSet(String key) {
            return params.containsKey(key) || service.containsKey(key);
        }

        /** An integer setting (surrounding whitespace allowed), or null when unset. */
        Integer integer(String key, String envVar) {
            String text = get(key, envVar);
            if (text == null) {
                return null;
            }
            check(key, envVar, text);
            Integer value = DsnParser.integer(text);
            if (value == null) {
                throw invalid(key, envVar, "invalid integer value \"" + text + "\" for connection option \"" + key + "\"");
            }
            return value;
        }

        /** A setting that must be one of {@code allowed}; {@code dflt} when unset. */
        String oneOf(String key, String envVar, String dflt, String... allowed) {
            String value = get(key, envVar);
            if (value == null) {
                return dflt;
            }
            if (!List.of(allowed).contains(value)) {
                throw invalid(key, envVar, "invalid " + key + " value: \"" + value + "\"");
            }
            return value;
        }

        /** Refuses a bad {@code value} of {@code key} as {@link DsnParser} would, naming where it came from. */
        void check(String key, String envVar, String value) {
            String problem = DsnParser.problem(key, value);
            if (problem != null) {
                throw invalid(key, envVar, problem);
            }
        }

        ProgrammingException invalid(String key, String envVar, String what) {
            String source = params.containsKey(key) ? "invalid dsn: "
                    : service.containsKey(key) ? "invalid service \"" + serviceName + "\": "
                    : "invalid " + envVar + ": ";
            return new ProgrammingException(source + what);
        }
    }
}
