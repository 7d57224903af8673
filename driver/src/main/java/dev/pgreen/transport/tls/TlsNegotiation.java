package dev.pgreen.transport.tls;

import dev.pgreen.PollState;
import dev.pgreen.transport.Wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLException;

/**
 * Starting TLS on one freshly connected socket, before the StartupMessage: with
 * {@code sslnegotiation=postgres} the 8-byte SSLRequest and the server's one-byte answer
 * ('S' or 'N'), then the handshake; with {@code direct} the handshake at once, ALPN
 * "postgresql" required (PostgreSQL 17). Non-blocking, one {@link #step()} at a time.
 */
final class TlsNegotiation {
    /** SSLRequest: length 8, then the code 1234 5679 (80877103). */
    private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};

    private final SocketChannel channel;
    private final TlsContext context;
    private final String host;
    private final int port;
    private final boolean plaintextOnRefusal;
    private final ByteBuffer request = ByteBuffer.wrap(SSL_REQUEST);
    private TlsChannel tls;
    private Wire result;

    /**
     * @param host the host name as given (SNI, verify-full), or null
     * @param plaintextOnRefusal whether an 'N' answer means going on in plaintext (sslmode=prefer)
     */
    TlsNegotiation(SocketChannel channel, TlsContext context, String host, int port, boolean plaintextOnRefusal) {
        this.channel = channel;
        this.context = context;
        this.host = host;
        this.port = port;
        this.plaintextOnRefusal = plaintextOnRefusal;
    }

    /** OK once {@link #wire()} is ready, else what to wait for. */
    PollState step() throws IOException {
        if (result != null) {
            return PollState.OK;
        }
        boolean direct = context.settings().direct();
        if (tls == null) {
            if (!direct) {
                PollState answer = sslRequest();
                if (answer != PollState.OK || result != null) {
                    return answer;
                }
            }
            tls = new TlsChannel(channel, context.newEngine(host, port));
        }
        PollState s;
        try {
            s = tls.handshake();
        } catch (TlsException e) {
            if (direct && e.getCause() == null) {
                throw new TlsException(e.getMessage() + " (sslnegotiation=direct needs a PostgreSQL 17 or later server)", e);
            }
            throw e;
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            if (direct) {
                throw new TlsException("the TLS handshake failed: " + e.getMessage()
                        + " (sslnegotiation=direct needs a PostgreSQL 17 or later server)", e);
            }
            throw e;
        }
        if (s != PollState.OK) {
            return s;
        }
        if (direct) {
            String alpn = tls.engine().getApplicationProtocol();
            if (alpn == null || alpn.isEmpty()) {
                throw new TlsException("direct SSL connection was established without ALPN protocol negotiation extension");
            }
            if (!alpn.equals(TlsContext.ALPN)) {
                throw new TlsException("SSL connection was established with unexpected ALPN protocol \"" + alpn + "\"");
            }
        }
        if (context.settings().certMode().equals("require")) {
            String shortfall = context.clientCertificateShortfall();
            if (shortfall != null) {
                throw new TlsException(shortfall);
            }
        }
        result = tls;
        return PollState.OK;
    }

    /** Sends the SSLRequest and reads the answer: OK with TLS to start, or with {@link #result} set to plaintext. */
    private PollState sslRequest() throws IOException {
        while (request.hasRemaining()) {
            if (channel.write(request) == 0) {
                return PollState.WRITE;
            }
        }
        // Exactly one byte: anything after it was sent before the handshake, unencrypted (CVE-2021-23222).
        ByteBuffer answer = ByteBuffer.allocate(1);
        int n = channel.read(answer);
        if (n == 0) {
            return PollState.READ;
        }
        if (n < 0) {
            throw new IOException("the server closed the connection in answer to the SSLRequest");
        }
        char c = (char) (answer.get(0) & 0xff);
        switch (c) {
            case 'S' -> {
                return PollState.OK;
            }
            case 'N' -> {
                if (!plaintextOnRefusal) {
                    throw new TlsException("server does not support SSL, but SSL was required (sslmode="
                            + context.settings().sslmode() + ")");
                }
                result = Wire.plain(channel);
                return PollState.OK;
            }
            case 'E' -> throw new TlsException("server sent an error response during SSL exchange");
            default -> throw new TlsException("received invalid response to SSL negotiation: " + c);
        }
    }

    /** The wire once {@link #step()} said OK: TLS, or plaintext when the server refused and that was allowed. */
    Wire wire() {
        return result;
    }
}
