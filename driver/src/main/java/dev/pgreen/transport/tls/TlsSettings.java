package dev.pgreen.transport.tls;

import dev.pgreen.errors.ProgrammingException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The TLS settings of one connection, resolved as libpq resolves them: the caller's parameter,
 * else its {@code PG*} environment variable, else libpq's default; a default file under
 * {@code ~/.postgresql/} ({@code HOME}) stands in for an unset {@code sslrootcert}, {@code sslcert},
 * {@code sslkey} and {@code sslcrl}.
 *
 * <p>Only the values are checked here (a bad value is a malformed DSN); whether the files exist
 * and the settings fit together is decided when a connection tries TLS ({@link TlsContext}).
 * Immutable; {@link #toString()} never shows {@code sslpassword}.
 */
public final class TlsSettings {

    /** Where values come from: the caller's parameters, then the environment (then, later, a service file). */
    public interface Source {
        /** The value of {@code key}, else of {@code envVar} (may be null); null when unset or empty. */
        String get(String key, String envVar);

        /** A malformed-value error naming where the value came from. */
        ProgrammingException invalid(String key, String envVar, String what);
    }

    public static final List<String> SSL_MODES =
            List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final Set<String> CHANNEL_BINDINGS = Set.of("disable", "prefer", "require");
    private static final Set<String> NEGOTIATIONS = Set.of("postgres", "direct");
    private static final Set<String> CERT_MODES = Set.of("disable", "allow", "require");
    /** libpq's names, in order; the JDK spells them the same way. */
    private static final List<String> PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    static final String ROOT_CERT_FILE = "root.crt";
    static final String ROOT_CRL_FILE = "root.crl";
    static final String USER_CERT_FILE = "postgresql.crt";
    static final String USER_KEY_FILE = "postgresql.key";

    private final String sslmode;
    private final boolean sslmodeGiven;
    private final String rootCert;
    private final String cert;
    private final String key;
    private final String password;
    private final String crl;
    private final String crlDir;
    private final boolean sni;
    private final String negotiation;
    private final String channelBinding;
    private final String certMode;
    private final String minProtocol;
    private final String maxProtocol;
    private final Path home;

    private TlsSettings(String sslmode, boolean sslmodeGiven, String rootCert, String cert, String key,
                        String password, String crl, String crlDir, boolean sni, String negotiation,
                        String channelBinding, String certMode, String minProtocol, String maxProtocol, Path home) {
        this.sslmode = sslmode;
        this.sslmodeGiven = sslmodeGiven;
        this.rootCert = rootCert;
        this.cert = cert;
        this.key = key;
        this.password = password;
        this.crl = crl;
        this.crlDir = crlDir;
        this.sni = sni;
        this.negotiation = negotiation;
        this.channelBinding = channelBinding;
        this.certMode = certMode;
        this.minProtocol = minProtocol;
        this.maxProtocol = maxProtocol;
        this.home = home;
    }

    /**
     * Resolves the TLS settings from {@code source}; {@code home} is the {@code HOME} directory
     * for the {@code ~/.postgresql/} defaults (null: the {@code user.home} property).
     *
     * @throws ProgrammingException for a value libpq rejects (sslmode, sslnegotiation,
     *     channel_binding, ssl_min/max_protocol_version)
     */
    public static TlsSettings resolve(Source source, String home) {
        String sslmode = source.get("sslmode", "PGSSLMODE");
        boolean sslmodeGiven = sslmode != null;
        if (sslmode == null) {
            sslmode = "prefer";
        } else if (!SSL_MODES.contains(sslmode)) {
            throw source.invalid("sslmode", "PGSSLMODE", "invalid sslmode value: \"" + sslmode + "\"");
        }
        String rootCert = source.get("sslrootcert", "PGSSLROOTCERT");
        if (!sslmodeGiven && "system".equals(rootCert)) {
            // libpq: the system's roots only make sense with the host name checked.
            sslmode = "verify-full";
        }
        String negotiation = oneOf(source, "sslnegotiation", "PGSSLNEGOTIATION", NEGOTIATIONS, "postgres");
        String channelBinding = oneOf(source, "channel_binding", "PGCHANNELBINDING", CHANNEL_BINDINGS, "prefer");
        String certMode = oneOf(source, "sslcertmode", "PGSSLCERTMODE", CERT_MODES, "allow");
        String min = protocol(source, "ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION", "TLSv1.2");
        String max = protocol(source, "ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION", null);
        if (max != null && PROTOCOLS.indexOf(min) > PROTOCOLS.indexOf(max)) {
            throw source.invalid("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION",
                    "invalid SSL protocol version range: " + min + " to " + max);
        }
        String sni = source.get("sslsni", "PGSSLSNI");
        String homeDir = home != null && !home.isEmpty() ? home : System.getProperty("user.home");
        return new TlsSettings(sslmode, sslmodeGiven, rootCert,
                source.get("sslcert", "PGSSLCERT"),
                source.get("sslkey", "PGSSLKEY"),
                source.get("sslpassword", null),
                source.get("sslcrl", "PGSSLCRL"),
                source.get("sslcrldir", "PGSSLCRLDIR"),
                // libpq looks at the first character only: "1" (the default) sends SNI.
                sni == null || sni.charAt(0) == '1',
                negotiation, channelBinding, certMode, min, max,
                homeDir == null || homeDir.isEmpty() ? null : Path.of(homeDir));
    }

    private static String oneOf(Source source, String key, String envVar, Set<String> allowed, String dflt) {
        String value = source.get(key, envVar);
        if (value == null) {
            return dflt;
        }
        if (!allowed.contains(value)) {
            throw source.invalid(key, envVar, "invalid " + key + " value: \"" + value + "\"");
        }
        return value;
    }

    private static String protocol(Source source, String key, String envVar, String dflt) {
        String value = source.get(key, envVar);
        if (value == null) {
            return dflt;
        }
        for (String p : PROTOCOLS) {
            if (p.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw source.invalid(key, envVar, "invalid \"" + key + "\" value: \"" + value + "\"");
    }

    /**
     * Why these settings may not be used together, as libpq refuses them before connecting
     * (whatever the socket), or null when they fit.
     */
    public String conflict() {
        if (systemRoots() && !sslmode.equals("verify-full")) {
            return "weak sslmode \"" + sslmode + "\" may not be used with sslrootcert=system (use \"verify-full\")";
        }
        if (certMode.equals("require") && !mayUseTls()) {
            return "sslcertmode=require needs TLS, but sslmode=disable";
        }
        if (direct() && !requiresTls()) {
            return "weak sslmode \"" + sslmode + "\" may not be used with sslnegotiation=direct "
                    + "(use \"require\", \"verify-ca\", or \"verify-full\")";
        }
        return null;
    }

    /**
     * {@code sslcertmode}: {@code disable} (never send a client certificate), {@code allow} (the default:
     * send one when the server asks and there is one), {@code require} (fail unless the server asked for
     * one and one was sent).
     */
    public String certMode() {
        return certMode;
    }

    /** {@code disable allow prefer require verify-ca verify-full}; {@code prefer} by default. */
    public String sslmode() {
        return sslmode;
    }

    /** Whether sslmode was given (not the default, nor implied by {@code sslrootcert=system}). */
    public boolean sslmodeGiven() {
        return sslmodeGiven;
    }

    /** Whether this sslmode ever tries TLS. */
    public boolean mayUseTls() {
        return !sslmode.equals("disable");
    }

    /** Whether this sslmode refuses a connection without TLS. */
    public boolean requiresTls() {
        return sslmode.equals("require") || sslmode.startsWith("verify-");
    }

    /** {@code postgres} (SSLRequest first, the default) or {@code direct} (TLS at once, PostgreSQL 17+). */
    public String negotiation() {
        return negotiation;
    }

    public boolean direct() {
        return negotiation.equals("direct");
    }

    /** {@code disable prefer require}; {@code prefer} by default. */
    public String channelBinding() {
        return channelBinding;
    }

    /** Whether to send the host name as SNI (for a host name, never for an address). */
    public boolean sni() {
        return sni;
    }

    /** Whether {@code sslrootcert=system}: the JDK's default trust store. */
    public boolean systemRoots() {
        return "system".equals(rootCert);
    }

    /** The root certificate file: {@code sslrootcert}, else {@code ~/.postgresql/root.crt}; null if neither is known. */
    public Path rootCertFile() {
        return file(rootCert, ROOT_CERT_FILE);
    }

    /** The client certificate file: {@code sslcert}, else {@code ~/.postgresql/postgresql.crt}. */
    public Path certFile() {
        return file(cert, USER_CERT_FILE);
    }

    /** The client key file: {@code sslkey}, else {@code ~/.postgresql/postgresql.key}. */
    public Path keyFile() {
        return file(key, USER_KEY_FILE);
    }

    /** The CRL file: {@code sslcrl}, else (when no {@code sslcrldir} either) {@code ~/.postgresql/root.crl}. */
    public Path crlFile() {
        return crl == null && crlDir != null ? null : file(crl, ROOT_CRL_FILE);
    }

    /** {@code sslcrldir}, or null. */
    public Path crlDir() {
        return crlDir == null ? null : Path.of(crlDir);
    }

    /** {@code sslpassword}, the passphrase of an encrypted {@code sslkey}; null if none. */
    public String password() {
        return password;
    }

    /** {@code ssl_min_protocol_version}; {@code TLSv1.2} by default. */
    public String minProtocol() {
        return minProtocol;
    }

    /** {@code ssl_max_protocol_version}, or null for the newest the JDK has. */
    public String maxProtocol() {
        return maxProtocol;
    }

    /** The protocols from min to max, in the JDK's names. */
    List<String> protocols() {
        int to = maxProtocol == null ? PROTOCOLS.size() - 1 : PROTOCOLS.indexOf(maxProtocol);
        return PROTOCOLS.subList(PROTOCOLS.indexOf(minProtocol), to + 1);
    }

    private Path file(String given, String defaultName) {
        if (given != null) {
            return Path.of(given);
        }
        return home == null ? null : home.resolve(".postgresql").resolve(defaultName);
    }

    @Override
    public String toString() {
        return "TlsSettings[sslmode=" + sslmode + ", sslnegotiation=" + negotiation
                + ", channel_binding=" + channelBinding
                + (rootCert != null ? ", sslrootcert=" + rootCert : "")
                + (cert != null ? ", sslcert=" + cert : "")
                + (key != null ? ", sslkey=" + key : "")
                + (password != null ? ", sslpassword=xxx" : "")
                + (crl != null ? ", sslcrl=" + crl : "")
                + (crlDir != null ? ", sslcrldir=" + crlDir : "")
                + (sni ? "" : ", sslsni=0") + "]";
    }
}
