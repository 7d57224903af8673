package dev.pgreen.transport.tls;

import dev.pgreen.PollState;
import dev.pgreen.transport.Wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS over the session's non-blocking socket: an {@link SSLEngine} between the socket and the
 * protocol's bytes, in the shape of Netty's SslHandler. It never waits: when the engine needs
 * bytes from the server it reads what the socket has and, finding nothing, says READ; when its
 * records cannot leave, WRITE; so every wait of the handshake and of later traffic is the
 * caller's wait callback's, on the same channel.
 *
 * <p>Buffers: {@code netIn} holds ciphertext read but not yet unwrapped (write mode),
 * {@code appIn} plaintext unwrapped but not yet handed over (read mode), {@code netOut}
 * ciphertext wrapped but not yet sent (read mode). Not thread-safe: the transport's I/O lock
 * serialises every call.
 */
public final class TlsChannel implements Wire {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Read several records per system call: a TLS record carries at most 16 KiB. */
    private static final int NET_IN = 64 * 1024;
    private static final int NET_OUT_RECORDS = 4;

    private final SocketChannel channel;
    private final SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;
    private boolean started;
    private boolean inboundDone;

    public TlsChannel(SocketChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(Math.max(NET_IN, packet));
        this.netOut = ByteBuffer.allocate(NET_OUT_RECORDS * packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    }

    public SSLEngine engine() {
        return engine;
    }

    /**
     * Advances the handshake as far as the socket allows: OK once it is complete (and our last
     * records have left), else what to wait for.
     *
     * @throws SSLException when it fails, {@link TlsException} when the server closes the connection during it
     */
    public PollState handshake() throws IOException {
        if (!started) {
            engine.beginHandshake();
            started = true;
        }
        for (;;) {
            if (!flushNet()) {
                return PollState.WRITE;
            }
            switch (engine.getHandshakeStatus()) {
                case NOT_HANDSHAKING, FINISHED -> {
                    return PollState.OK;
                }
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult r = unwrap(appIn);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new TlsException("the server closed the TLS connection during the handshake");
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), true);
                    } else if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        int n = readNet();
                        if (n < 0) {
                            throw new TlsException("the server closed the connection during the TLS handshake");
                        }
                        if (n == 0) {
                            return PollState.READ;
                        }
                    }
                }
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int total = 0;
        boolean copy = false;
        for (;;) {
            total += drain(dst);
            if (!dst.hasRemaining()) {
                return total;
            }
            if (inboundDone) {
                return total > 0 ? total : -1;
            }
            // With room for a whole record the plaintext goes straight to the caller: no copy.
            boolean direct = !copy && dst.remaining() >= engine.getSession().getApplicationBufferSize();
            int before = dst.position();
            SSLEngineResult r = unwrap(direct ? dst : appIn);
            if (direct) {
                total += dst.position() - before;
            }
            SSLEngineResult.Status status = r.getStatus();
            if (status == SSLEngineResult.Status.OK && r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                status = SSLEngineResult.Status.BUFFER_UNDERFLOW; // nothing whole to unwrap: read more
            }
            switch (status) {
                case OK -> afterHandshakeMessage(r);
                case CLOSED -> inboundDone = true;
                case BUFFER_OVERFLOW -> {
                    if (direct) {
                        copy = true;
                    } else {
                        appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), true);
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    if (total > 0) {
                        return total;
                    }
                    int n = readNet();
                    if (n <= 0) {
                        return n;
                    }
                }
            }
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int packet = engine.getSession().getPacketBufferSize();
        int consumed = 0;
        while (src.hasRemaining()) {
            if (freeOut() < packet) {
                flushNet();
                if (freeOut() < packet) {
                    if (netOut.capacity() >= packet) {
                        break; // the socket is full: the caller waits for WRITE
                    }
                    netOut = grow(netOut, packet, true);
                }
            }
            SSLEngineResult r = wrapOnce(src);
            consumed += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the TLS connection is closed");
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = grow(netOut, netOut.capacity() + packet, true);
            }
            afterHandshakeMessage(r);
        }
        flushNet();
        return consumed;
    }

    @Override
    public boolean flush() throws IOException {
        return flushNet();
    }

    /** Plaintext unwrapped and waiting, or a whole record received and not yet unwrapped. */
    @Override
    public boolean hasBufferedInput() {
        if (appIn.hasRemaining()) {
            return true;
        }
        int have = netIn.position();
        return have >= 5 && have >= 5 + ((netIn.get(3) & 0xff) << 8 | (netIn.get(4) & 0xff));
    }

    @Override
    public void closeQuietly() {
        try {
            engine.closeOutbound();
            wrap(EMPTY);
            flushNet();
        } catch (IOException | RuntimeException ignored) {
            // Saying goodbye is a courtesy; the socket closes anyway.
        }
    }

    /**
     * The tls-server-end-point channel binding data (RFC 5929): the hash of the server's
     * certificate with the hash of its signature, SHA-256 for MD5 and SHA-1 (as libpq).
     *
     * @throws TlsException when there is no certificate or its signature has no usable hash
     */
    public byte[] serverEndPoint() throws TlsException {
        Certificate[] peer;
        try {
            peer = engine.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new TlsException("the server sent no certificate for channel binding", e);
        }
        if (peer.length == 0 || !(peer[0] instanceof X509Certificate cert)) {
            throw new TlsException("the server sent no X.509 certificate for channel binding");
        }
        try {
            return MessageDigest.getInstance(endPointHash(cert)).digest(cert.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new TlsException("could not generate peer certificate hash: " + e.getMessage(), e);
        }
    }

    /** The digest RFC 5929 names for a certificate: its signature's hash, but SHA-256 for MD5 and SHA-1. */
    static String endPointHash(X509Certificate cert) throws TlsException {
        String sig = cert.getSigAlgName().toUpperCase(Locale.ROOT);
        String hash;
        if (sig.equals("RSASSA-PSS")) {
            try {
                AlgorithmParameters p = AlgorithmParameters.getInstance("RSASSA-PSS");
                p.init(cert.getSigAlgParams());
                hash = p.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm().toUpperCase(Locale.ROOT);
            } catch (GeneralSecurityException | IOException e) {
                throw new TlsException("could not determine server certificate signature algorithm", e);
            }
        } else {
            int with = sig.indexOf("WITH");
            if (with <= 0) {
                throw new TlsException("could not find digest for the server certificate's signature algorithm "
                        + cert.getSigAlgName() + " (channel binding needs one)");
            }
            hash = sig.substring(0, with);
        }
        hash = hash.replace("-", "");
        return switch (hash) {
            case "MD5", "MD2", "SHA1", "SHA" -> "SHA-256";
            case "SHA224", "SHA256", "SHA384", "SHA512" -> "SHA-" + hash.substring(3);
            case "SHA3224", "SHA3256", "SHA3384", "SHA3512" -> "SHA3-" + hash.substring(4);
            default -> throw new TlsException("could not find digest for " + hash + " (channel binding)");
        };
    }

    // ---- engine and socket ----

    /** After a record that was not application data (a session ticket, a key update): run what it asks for. */
    private void afterHandshakeMessage(SSLEngineResult r) throws IOException {
        SSLEngineResult.HandshakeStatus hs = r.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
            hs = engine.getHandshakeStatus();
        }
        if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            // A TLS 1.3 KeyUpdate answer: queued, and sent as far as the socket takes it now.
            wrap(EMPTY);
            flushNet();
        }
    }

    private SSLEngineResult unwrap(ByteBuffer into) throws SSLException {
        boolean intoAppIn = into == appIn;
        if (intoAppIn) {
            appIn.compact();
        }
        netIn.flip();
        try {
            return engine.unwrap(netIn, into);
        } finally {
            netIn.compact();
            if (intoAppIn) {
                appIn.flip();
            }
        }
    }

    private void wrap(ByteBuffer src) throws IOException {
        for (;;) {
            SSLEngineResult r = wrapOnce(src);
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return;
            }
            // A handshake record must be queued whole; the caller flushes it.
            netOut = grow(netOut, netOut.capacity() + engine.getSession().getPacketBufferSize(), true);
        }
    }

    /** One wrap of {@code src} after what netOut already holds (netOut stays ready to be written). */
    private SSLEngineResult wrapOnce(ByteBuffer src) throws SSLException {
        netOut.compact();
        try {
            return engine.wrap(src, netOut);
        } finally {
            netOut.flip();
        }
    }

    private int freeOut() {
        return netOut.capacity() - netOut.remaining();
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private int readNet() throws IOException {
        if (!netIn.hasRemaining()) {
            netIn = grow(netIn, netIn.capacity() + engine.getSession().getPacketBufferSize(), false);
        }
        return channel.read(netIn);
    }

    private boolean flushNet() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private int drain(ByteBuffer dst) {
        int n = Math.min(appIn.remaining(), dst.remaining());
        if (n > 0) {
            int limit = appIn.limit();
            appIn.limit(appIn.position() + n);
            dst.put(appIn);
            appIn.limit(limit);
        }
        return n;
    }

    /** A buffer of at least {@code capacity} with the same content and mode. */
    private static ByteBuffer grow(ByteBuffer b, int capacity, boolean readMode) {
        if (b.capacity() >= capacity) {
            capacity = b.capacity() * 2;
        }
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        if (readMode) {
            bigger.put(b).flip();
        } else {
            bigger.put(b.flip());
        }
        return bigger;
    }
}
