package dev.pgreen.transport.tls;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestCertificates;
import dev.pgreen.testing.TestRoles;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static dev.pgreen.transport.tls.TlsFixtures.certificates;
import static dev.pgreen.transport.tls.TlsFixtures.dsn;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What the client offers in its ClientHello (ALPN "postgresql", SNI for names only), and
 * sslnegotiation=direct end to end, against a TLS-terminating proxy in front of the test server
 * (which, at version 15, speaks neither): the proxy plays PostgreSQL 17's part of the handshake
 * and forwards the plaintext.
 */
@ExtendWith(PgServerExtension.class)
class DirectTlsTest {

    @Test
    void directTlsWithAlpnPostgresqlConnects(TestServer server) throws Exception {
        TestCertificates tls = certificates(server);
        try (Proxy proxy = new Proxy(tls, server.port(), false, true)) {
            try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD,
                    "host=localhost port=" + proxy.port() + " sslmode=verify-full sslrootcert=" + tls.caCert()
                            + " sslnegotiation=direct"))) {
                assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
            }
            assertEquals(List.of(List.of("postgresql")), proxy.offeredAlpn);
            assertEquals(List.of("localhost"), proxy.sni);
        }
    }

    @Test
    void directTlsRefusesAServerThatIgnoresAlpn(TestServer server) throws Exception {
        TestCertificates tls = certificates(server);
        try (Proxy proxy = new Proxy(tls, server.port(), false, false)) {
            OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                    TestRoles.SCRAM_USER, TestRoles.PASSWORD, "host=localhost port=" + proxy.port()
                            + " sslmode=require sslnegotiation=direct")));
            assertTrue(e.getMessage().contains("direct SSL connection was established without ALPN protocol "
                    + "negotiation extension"), e.getMessage());
        }
    }

    @Test
    void theSslRequestWayOffersAlpnAndSniToo(TestServer server) throws Exception {
        TestCertificates tls = certificates(server);
        try (Proxy proxy = new Proxy(tls, server.port(), true, false)) {
            String base = dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD, "port=" + proxy.port()
                    + " sslmode=verify-full sslrootcert=" + tls.caCert());
            for (String settings : List.of("host=localhost", "host=localhost sslsni=0", "host=127.0.0.1")) {
                try (Connection conn = Pgreen.connect(base + " " + settings)) {
                    assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
                }
            }
            assertEquals(List.of(List.of("postgresql"), List.of("postgresql"), List.of("postgresql")), proxy.offeredAlpn);
            // SNI only for a name, and only with sslsni=1.
            assertEquals(List.of("localhost", "", ""), proxy.sni);
        }
    }

    @Test
    void sslcertmodeRequireRefusesAServerThatDoesNotAskForACertificate(TestServer server) throws Exception {
        TestCertificates tls = certificates(server);
        try (Proxy proxy = new Proxy(tls, server.port(), true, true)) {
            OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                    TestRoles.CERT_USER, null, "host=localhost port=" + proxy.port() + " sslmode=require sslcert="
                            + tls.clientRsaCert() + " sslkey=" + tls.clientRsaKeyPkcs8() + " sslcertmode=require")));
            assertTrue(e.getMessage().contains("server did not request an SSL certificate (sslcertmode=require)"),
                    e.getMessage());
            // The same proxy with the default (allow) lets the connection go on to the server, which then refuses
            // the certificate role: the certificate was never asked for.
            OperationalException allow = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                    TestRoles.CERT_USER, null, "host=localhost port=" + proxy.port() + " sslmode=require sslcert="
                            + tls.clientRsaCert() + " sslkey=" + tls.clientRsaKeyPkcs8())));
            assertFalse(allow.getMessage().contains("sslcertmode"), allow.getMessage());
        }
    }

    /**
     * Accepts TLS (after an SSLRequest, or at once), records what the client offered, and
     * forwards the decrypted stream to the server in plaintext. One connection at a time.
     */
    private static final class Proxy implements AutoCloseable {
        final List<List<String>> offeredAlpn = new CopyOnWriteArrayList<>();
        final List<String> sni = new CopyOnWriteArrayList<>();
        private final ServerSocket listener;
        private final SSLContext context;
        private final int upstreamPort;
        private final boolean sslRequest;
        private final boolean alpn;
        private final Thread acceptor;

        Proxy(TestCertificates tls, int upstreamPort, boolean sslRequest, boolean alpn) throws Exception {
            this.upstreamPort = upstreamPort;
            this.sslRequest = sslRequest;
            this.alpn = alpn;
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", PrivateKeys.read(tls.serverKey(), null), new char[0],
                    Pem.certificates(tls.serverCert()).toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            listener = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
            acceptor = Thread.ofPlatform().daemon().name("tls-proxy").start(this::acceptLoop);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try (Socket client = listener.accept(); Socket upstream = new Socket("127.0.0.1", upstreamPort)) {
                    serve(client, upstream);
                } catch (IOException e) {
                    // the test saw the failure on its side; go on with the next connection
                }
            }
        }

        private void serve(Socket client, Socket upstream) throws IOException {
            if (sslRequest) {
                byte[] request = new byte[8];
                new DataInputStream(client.getInputStream()).readFully(request);
                client.getOutputStream().write('S');
            }
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(client, "localhost", client.getPort(), false);
            ssl.setUseClientMode(false);
            AtomicReference<String> name = new AtomicReference<>("");
            SSLParameters p = ssl.getSSLParameters();
            p.setSNIMatchers(List.of(new SNIMatcher(0) {
                @Override
                public boolean matches(SNIServerName serverName) {
                    name.set(new SNIHostName(serverName.getEncoded()).getAsciiName());
                    return true;
                }
            }));
            ssl.setSSLParameters(p);
            ssl.setHandshakeApplicationProtocolSelector((s, offered) -> {
                offeredAlpn.add(List.copyOf(offered));
                return alpn && offered.contains("postgresql") ? "postgresql" : "";
            });
            ssl.startHandshake();
            sni.add(name.get());
            Thread up = Thread.ofPlatform().daemon().start(() -> pump(ssl, upstream));
            pump(upstream, ssl);
            try {
                up.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing is all that is left
                }
            }
        }

        @Override
        public void close() throws Exception {
            listener.close();
            acceptor.join(10_000);
        }
    }
}
