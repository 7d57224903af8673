package dev.pgreen;

/**
 * Entry points: connecting, and the global wait callback (psycopg2's module functions {@code connect},
 * {@code set_wait_callback} and {@code get_wait_callback}).
 *
 * <p>A DSN is a libpq connection string: {@code key=value} pairs ({@code host port dbname user password
 * sslmode application_name connect_timeout options} and the rest of libpq's keywords) or a
 * {@code postgresql://user:pass@host:port/db?key=value} URI. Unset keys fall back to the {@code PG*}
 * environment variables ({@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE},
 * {@code PGPASSWORD}, ...), the service and password files, and libpq's defaults; a {@code host} that
 * starts with {@code /} is the directory of a Unix-domain socket.
 */
public final class Pgreen {
    private static volatile WaitCallback waitCallback;

    private Pgreen() {}

    /**
     * Connects to a server (psycopg2's {@code connect(dsn)}), waiting through the wait callback.
     *
     * @param dsn a libpq connection string or URI
     * @return the connection, ready for commands; not in autocommit
     * @throws dev.pgreen.errors.ProgrammingException if the DSN is malformed ("invalid dsn: ...")
     * @throws dev.pgreen.errors.OperationalException if the server cannot be reached or refuses the
     *     connection (refused, timed out, unknown database, bad password; it names every host tried), or a
     *     setting asks for a guarantee the driver cannot give ({@code gssencmode=require}, say)
     */
    public static Connection connect(String dsn) {
        return connect(dsn, Connection::new);
    }

    /**
     * Connects with a connection class of the caller's (psycopg2's {@code connection_factory}), e.g.
     * {@code Pgreen.connect(dsn, LoggingConnection::new)}.
     *
     * @param <C> the type of connection
     * @param dsn a libpq connection string or URI
     * @param factory makes the connection from the parsed DSN
     * @return the connection {@code factory} made, ready for commands
     * @throws dev.pgreen.errors.ProgrammingException if the DSN is malformed
     * @throws dev.pgreen.errors.OperationalException if the server cannot be reached or refuses the connection
     */
    public static <C extends Connection> C connect(String dsn, ConnectionFactory<C> factory) {
        return factory.create(ConnectInfo.of(dsn, false));
    }

    /**
     * Starts connecting without waiting (psycopg2's {@code connect(dsn, async=1)}): call
     * {@link Connection#poll()} until it returns {@link PollState#OK}, waiting on
     * {@link Connection#channel()} as it says. The connection is always in autocommit.
     *
     * @param dsn a libpq connection string or URI
     * @return the connection, connecting
     * @throws dev.pgreen.errors.ProgrammingException if the DSN is malformed (a failure to connect is raised
     *     by {@code poll()})
     */
    public static Connection connectAsync(String dsn) {
        return connectAsync(dsn, Connection::new);
    }

    /**
     * Starts connecting without waiting, with a connection class of the caller's.
     *
     * @param <C> the type of connection
     * @param dsn a libpq connection string or URI
     * @param factory makes the connection from the parsed DSN (with {@link ConnectInfo#async()} true)
     * @return the connection {@code factory} made, connecting
     * @throws dev.pgreen.errors.ProgrammingException if the DSN is malformed
     */
    public static <C extends Connection> C connectAsync(String dsn, ConnectionFactory<C> factory) {
        return factory.create(ConnectInfo.of(dsn, true));
    }

    /**
     * Installs the wait callback every synchronous connection uses unless it has its own
     * ({@link Connection#setWaitCallback}): psycopg2's {@code set_wait_callback}. It takes effect at each
     * connection's next wait.
     *
     * @param cb the callback, or null to restore the default (a {@link java.nio.channels.Selector})
     */
    public static void setWaitCallback(WaitCallback cb) {
        waitCallback = cb;
    }

    /**
     * The global wait callback (psycopg2's {@code get_wait_callback}).
     *
     * @return the callback {@link #setWaitCallback} installed, or null when the default wait is in use
     */
    public static WaitCallback getWaitCallback() {
        return waitCallback;
    }
}
