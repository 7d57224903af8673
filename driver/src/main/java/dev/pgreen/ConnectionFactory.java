package dev.pgreen;

/**
 * Makes the connection {@link Pgreen#connect(String, ConnectionFactory)} returns (psycopg2's
 * {@code connection_factory}), e.g. {@code LoggingConnection::new}: every {@code Connection} subclass has
 * a public constructor taking a {@link ConnectInfo}.
 *
 * @param <C> the type of connection made
 */
@FunctionalInterface
public interface ConnectionFactory<C extends Connection> {
    /**
     * Makes a connection, which connects in its constructor.
     *
     * @param info what to connect to; a factory may add parameters with {@link ConnectInfo#with}
     * @return the connection, connected (or connecting, when {@link ConnectInfo#async()})
     */
    C create(ConnectInfo info);
}
