package dev.pgreen;

/** Entry points: connecting, and the global wait callback (psycopg2's module functions). */
public final class Pgreen {
    private static volatile WaitCallback waitCallback;

    private Pgreen() {}

    public static Connection connect(String dsn) {
        return connect(dsn, Connection::new);
    }

    public static <C extends Connection> C connect(String dsn, ConnectionFactory<C> factory) {
        return factory.create(ConnectInfo.of(dsn, false));
    }

    public static Connection connectAsync(String dsn) {
        return connectAsync(dsn, Connection::new);
    }

    public static <C extends Connection> C connectAsync(String dsn, ConnectionFactory<C> factory) {
        return factory.create(ConnectInfo.of(dsn, true));
    }

    /** Installs the wait callback every connection uses unless it has its own; null restores the default. */
    public static void setWaitCallback(WaitCallback cb) {
        waitCallback = cb;
    }

    /** The global wait callback, or null when the default blocking wait is in use. */
    public static WaitCallback getWaitCallback() {
        return waitCallback;
    }
}
