package dev.pgreen.transport;

import dev.pgreen.errors.OperationalException;
import dev.pgreen.protocol.FrontendEncoder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Sends a CancelRequest on a connection of its own, then waits for the server
 * to close it, which says the request was processed (as libpq's PQcancel does).
 */
public final class CancelRequestSender {
    private static final int TIMEOUT_MILLIS = 10_000;

    private CancelRequestSender() {}

    /** @param remote the address the connection reached (null: resolve the host again) */
    public static void send(ConnectSettings settings, java.net.SocketAddress remote, int processId, int secretKey) {
        byte[] request = FrontendEncoder.cancelRequest(processId, secretKey);
        // Kept away from the interrupt flag: an interrupt is often why we cancel, and it would abort the send.
        boolean interrupted = Thread.interrupted();
        try {
            if (settings.isUnixSocket()) {
                sendUnix(settings, request);
            } else {
                sendTcp(settings, remote, request);
            }
        } catch (IOException e) {
            throw new OperationalException("could not send the cancel request: " + e.getMessage(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sendTcp(ConnectSettings settings, java.net.SocketAddress remote, byte[] request)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            // The address the connection actually reached: a name may resolve to several, some refusing.
            socket.connect(remote instanceof InetSocketAddress ? remote
                    : new InetSocketAddress(settings.host(), settings.port()), TIMEOUT_MILLIS);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            socket.getInputStream().read();
        }
    }

    private static void sendUnix(ConnectSettings settings, byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(settings.unixSocketPath()));
            ByteBuffer buf = ByteBuffer.wrap(request);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.read(ByteBuffer.allocate(1));
        }
    }
}
