package dev.pgreen;

/** Makes the connection {@link Pgreen#connect(String, ConnectionFactory)} returns, e.g. {@code LoggingConnection::new}. */
@FunctionalInterface
public interface ConnectionFactory<C extends Connection> {
    C create(ConnectInfo info);
}
