package dev.pgreen.transport;

/**
 * One server of the {@code host}/{@code hostaddr}/{@code port} lists: the host as given (a name,
 * an address, or a Unix-socket directory; null when only an address was given), the address to
 * connect to instead of looking the name up (libpq's {@code hostaddr}, or null), and the port.
 */
public record HostSpec(String host, String hostaddr, int port) {

    /** What the socket connects to: the {@code hostaddr} when given, else the host. */
    public String connectTo() {
        return hostaddr != null ? hostaddr : host;
    }

    /** Whether this is a Unix-domain socket directory (a host starting with {@code /} and no hostaddr). */
    public boolean isUnixSocket() {
        return hostaddr == null && host.startsWith("/");
    }

    /** {@code host:port} as the user wrote it (the address when no host name was given). */
    @Override
    public String toString() {
        return connectTo() + ":" + port;
    }
}
