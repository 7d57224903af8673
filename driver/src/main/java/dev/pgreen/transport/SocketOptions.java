package dev.pgreen.transport;

import dev.pgreen.errors.OperationalException;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * The socket options of libpq's settings: TCP_NODELAY always; {@code keepalives} (on by default)
 * with {@code keepalives_idle}, {@code keepalives_interval} and {@code keepalives_count} through
 * {@link ExtendedSocketOptions}; and the {@code requirepeer} check of a Unix-domain socket
 * through {@link ExtendedSocketOptions#SO_PEERCRED}.
 */
final class SocketOptions {
    private static final Set<SocketOption<?>> TCP_OPTIONS = supportedTcpOptions();

    private SocketOptions() {}

    private static Set<SocketOption<?>> supportedTcpOptions() {
        try (SocketChannel ch = SocketChannel.open()) {
            return ch.supportedOptions();
        } catch (IOException e) {
            return Set.of();
        }
    }

    /**
     * Refuses keepalive settings this platform's JDK cannot apply (no silent downgrade): the
     * exception naming the setting, or null when all can be.
     */
    static OperationalException unsupported(ConnectSettings s) {
        if (!s.keepalives()) {
            return null;
        }
        if (s.keepalivesIdle() != null && !TCP_OPTIONS.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            return notSupported("keepalives_idle", "TCP_KEEPIDLE");
        }
        if (s.keepalivesInterval() != null && !TCP_OPTIONS.contains(ExtendedSocketOptions.TCP_KEEPINTERVAL)) {
            return notSupported("keepalives_interval", "TCP_KEEPINTERVAL");
        }
        if (s.keepalivesCount() != null && !TCP_OPTIONS.contains(ExtendedSocketOptions.TCP_KEEPCOUNT)) {
            return notSupported("keepalives_count", "TCP_KEEPCOUNT");
        }
        return null;
    }

    private static OperationalException notSupported(String setting, String option) {
        return new OperationalException(setting + " cannot be honoured: the JDK does not support " + option
                + " on this platform");
    }

    /** Sets the options of a TCP socket before it connects. */
    static void applyTcp(SocketChannel ch, ConnectSettings s) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, s.keepalives());
        if (!s.keepalives()) {
            return;
        }
        // 0 leaves the system's value: the kernel refuses 0 for these.
        if (s.keepalivesIdle() != null && s.keepalivesIdle() > 0) {
            ch.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, s.keepalivesIdle());
        }
        if (s.keepalivesInterval() != null && s.keepalivesInterval() > 0) {
            ch.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, s.keepalivesInterval());
        }
        if (s.keepalivesCount() != null && s.keepalivesCount() > 0) {
            ch.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, s.keepalivesCount());
        }
    }

    /**
     * libpq's {@code requirepeer}: the process at the other end of a connected Unix-domain socket
     * must run as {@code user}; the reason it does not, else null.
     */
    static String checkPeer(SocketChannel ch, String user) {
        UnixDomainPrincipal peer;
        try {
            peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            return "could not get peer credentials: " + e.getMessage();
        }
        String actual = peer.user().getName();
        return actual.equals(user) ? null
                : "requirepeer specifies \"" + user + "\", but actual peer user name is \"" + actual + "\"";
    }
}
