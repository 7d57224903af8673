package dev.pgreen.transport.tls;

import dev.pgreen.PollState;
import dev.pgreen.transport.Wire;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Whether each attempt on one server encrypts, by libpq's sslmode rules:
 * <ul>
 *   <li>{@code disable}: never; a Unix-domain socket never either (as in libpq);</li>
 *   <li>{@code allow}: plaintext first, and TLS on a new connection if the server rejects it;</li>
 *   <li>{@code prefer}: TLS first; plaintext on the same connection if the server answers 'N',
 *       or on a new one if the handshake fails or the server rejects the TLS connection;</li>
 *   <li>{@code require}, {@code verify-ca}, {@code verify-full}: TLS or nothing.</li>
 * </ul>
 * Each fallback happens once. The transport asks {@link #negotiate} on every new socket before
 * anything else is sent, and {@link #retryAfterRejection} / {@link #retryAfterFailure} when an
 * attempt fails.
 */
public final class TlsAttempts {
    private final TlsSettings settings;
    private TlsContext context;
    private boolean tls;
    private boolean retried;
    private TlsNegotiation negotiation;
    private Wire wire;

    private TlsAttempts(TlsSettings settings) {
        this.settings = settings;
    }

    /**
     * Plans the first attempt; for a mode that tries TLS first, loads the files now.
     *
     * @throws TlsException when the settings do not fit together, or TLS is required and cannot
     *     be set up (a missing root certificate for verify-*, an unreadable key)
     */
    public static TlsAttempts plan(TlsSettings settings, boolean unixSocket) throws TlsException {
        String conflict = settings.conflict();
        if (conflict != null) {
            throw new TlsException(conflict);
        }
        TlsAttempts a = new TlsAttempts(settings);
        a.retried = unixSocket || !settings.mayUseTls();
        a.tls = !a.retried && !settings.sslmode().equals("allow");
        if (a.tls && !a.load()) {
            // prefer: TLS cannot even start (an unreadable client key, say), so plaintext it is, as in libpq.
            a.tls = false;
            a.retried = true;
        }
        return a;
    }

    private boolean load() throws TlsException {
        if (context != null) {
            return true;
        }
        try {
            context = TlsContext.load(settings);
            return true;
        } catch (TlsException e) {
            if (settings.requiresTls()) {
                throw e;
            }
            return false;
        }
    }

    /**
     * Starts or continues the attempt's encryption on a connected socket: OK once {@link #wire()}
     * is ready (at once for plaintext), else what to wait for.
     *
     * @param host the host name as given (for SNI and verify-full), or null when only an address is known
     */
    public PollState negotiate(SocketChannel channel, String host, int port) throws IOException {
        if (wire != null) {
            return PollState.OK;
        }
        if (!tls) {
            wire = plain(channel);
            return PollState.OK;
        }
        if (negotiation == null) {
            negotiation = new TlsNegotiation(channel, context, host, port,
                    settings.sslmode().equals("prefer") && !retried);
        }
        PollState s = negotiation.step();
        if (s == PollState.OK) {
            wire = negotiation.wire() instanceof TlsChannel t ? t : plain(channel);
        }
        return s;
    }

    /** A plaintext wire, unless sslcertmode=require (no server asks for a certificate outside TLS). */
    private Wire plain(SocketChannel channel) throws TlsException {
        if (settings.certMode().equals("require")) {
            throw new TlsException("server did not request an SSL certificate (sslcertmode=require): "
                    + "the connection is not encrypted");
        }
        return Wire.plain(channel);
    }

    /** The wire of the current attempt, once negotiated. */
    public Wire wire() {
        return wire;
    }

    /** Whether the current attempt runs over TLS. */
    public boolean inUse() {
        return wire instanceof TlsChannel;
    }

    /**
     * The tls-server-end-point data of the current attempt for SCRAM's channel binding, or null
     * when it is not encrypted.
     */
    public byte[] serverEndPoint() throws TlsException {
        return wire instanceof TlsChannel t ? t.serverEndPoint() : null;
    }

    /**
     * The TLS set-up or handshake of this attempt failed: true when sslmode=prefer lets a new
     * connection try plaintext (then call {@link #negotiate} on it).
     */
    public boolean retryAfterFailure() {
        if (!tls || retried || !settings.sslmode().equals("prefer")) {
            return false;
        }
        switchTo(false);
        return true;
    }

    /**
     * The server rejected the start-up with {@code sqlState}: true when a new connection should
     * try the other way (allow: now TLS; prefer over TLS: now plaintext). Never for 57P03
     * (cannot connect now), which another attempt would not change.
     */
    public boolean retryAfterRejection(String sqlState) throws TlsException {
        if (retried || "57P03".equals(sqlState)) {
            return false;
        }
        if (settings.sslmode().equals("allow") && !tls) {
            if (!load()) {
                return false;
            }
            switchTo(true);
            return true;
        }
        if (settings.sslmode().equals("prefer") && inUse()) {
            switchTo(false);
            return true;
        }
        return false;
    }

    private void switchTo(boolean useTls) {
        tls = useTls;
        retried = true;
        negotiation = null;
        wire = null;
    }
}
