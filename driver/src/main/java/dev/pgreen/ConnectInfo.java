package dev.pgreen;

import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.transport.ConnectSettings;
import dev.pgreen.transport.DsnParser;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a caller asked to connect to: the parsed DSN and whether the connection is asynchronous.
 *
 * <p>Handed to a {@code ConnectionFactory}; a {@code Connection} subclass may add start-up
 * parameters with {@link #with}, e.g. {@code super(info.with("replication", "database"))}.
 * Immutable. The password is never shown: {@link #dsn()} and {@link #toString()} say
 * {@code xxx} instead.
 */
public final class ConnectInfo {

    private final Map<String, String> params;
    private final String maskedDsn;
    private final boolean async;
    private final WaitCallback waitCallback;
    /** Stands in for the process environment, or null for {@code System.getenv()}. */
    private final Map<String, String> environment;

    private ConnectInfo(Map<String, String> params, String maskedDsn, boolean async, WaitCallback waitCallback,
                        Map<String, String> environment) {
        this.params = Collections.unmodifiableMap(params);
        this.maskedDsn = maskedDsn;
        this.async = async;
        this.waitCallback = waitCallback;
        this.environment = environment;
    }

    /**
     * Parses {@code dsn}, a libpq {@code key=value} string or {@code postgresql://} URI.
     *
     * @param dsn the connection string
     * @param async whether the connection is to be asynchronous ({@link Pgreen#connectAsync})
     * @return the parsed DSN; nothing is resolved against the environment yet
     * @throws ProgrammingException if the DSN is malformed ("invalid dsn: ...")
     */
    public static ConnectInfo of(String dsn, boolean async) {
        Objects.requireNonNull(dsn, "dsn");
        return new ConnectInfo(DsnParser.parse(dsn), DsnParser.maskPassword(dsn), async, null, null);
    }

    /**
     * The DSN as given, with the password masked.
     *
     * @return the DSN, its password shown as {@code xxx}
     */
    public String dsn() {
        return maskedDsn;
    }

    /**
     * The parameters the caller gave, in order: not the environment's or the defaults.
     *
     * @return libpq keywords to their values; unmodifiable
     */
    public Map<String, String> params() {
        return params;
    }

    /**
     * Whether the connection is asynchronous.
     *
     * @return true for a connection driven with {@code poll()} ({@link Pgreen#connectAsync})
     */
    public boolean async() {
        return async;
    }

    /**
     * A copy with {@code key} set to {@code value} (or removed, if {@code value} is null). The
     * copy's {@link #dsn()} is re-rendered in {@code key=value} form.
     *
     * @param key a libpq keyword, such as {@code replication} or {@code application_name}
     * @param value its value, or null to remove it
     * @return the copy; this one is unchanged
     * @throws ProgrammingException if {@code key} is not a libpq keyword or the value is invalid
     */
    public ConnectInfo with(String key, String value) {
        DsnParser.checkParameter(key, value);
        var copy = new LinkedHashMap<>(params);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new ConnectInfo(copy, DsnParser.toMaskedDsn(copy), async, waitCallback, environment);
    }

    /**
     * A copy whose connection uses {@code cb} as its own wait callback from the
     * start, the connect included (as {@code Connection.setWaitCallback} does
     * afterwards). Not a connection parameter: it takes no part in equality.
     *
     * @param cb the connection's wait callback, or null for the global one
     * @return the copy; this one is unchanged
     */
    public ConnectInfo withWaitCallback(WaitCallback cb) {
        return new ConnectInfo(params, maskedDsn, async, cb, environment);
    }

    /**
     * A copy that resolves its settings against {@code env} instead of the process environment
     * ({@code PG*} variables, and {@code HOME} for {@code ~/.pgpass} and {@code ~/.pg_service.conf}):
     * for tests, or an application that must not depend on its environment. Not a connection
     * parameter: it takes no part in equality.
     *
     * @param env environment variables by name, in place of {@code System.getenv()}
     * @return the copy; this one is unchanged
     */
    public ConnectInfo withEnvironment(Map<String, String> env) {
        return new ConnectInfo(params, maskedDsn, async, waitCallback, Map.copyOf(env));
    }

    /**
     * The wait callback the connection starts with ({@link #withWaitCallback}).
     *
     * @return the connection's own wait callback, or null for the global one
     */
    public WaitCallback waitCallback() {
        return waitCallback;
    }

    /** Resolves the parameters against the environment ({@link #withEnvironment}, else the process's) and libpq's defaults. */
    ConnectSettings settings() {
        return settings(environment != null ? environment : System.getenv());
    }

    /** Resolves the parameters against {@code env} (a stand-in for {@code System.getenv()}). */
    ConnectSettings settings(Map<String, String> env) {
        return ConnectSettings.resolve(params, env);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectInfo other && async == other.async && params.equals(other.params);
    }

    @Override
    public int hashCode() {
        return Objects.hash(params, async);
    }

    /** The masked {@link #dsn()}. */
    @Override
    public String toString() {
        return maskedDsn;
    }
}
