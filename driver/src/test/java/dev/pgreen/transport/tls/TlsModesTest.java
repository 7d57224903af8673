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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static dev.pgreen.transport.tls.TlsFixtures.certificates;
import static dev.pgreen.transport.tls.TlsFixtures.dsn;
import static dev.pgreen.transport.tls.TlsFixtures.sslVersion;
import static org.junit.jupiter.api.Assertions.*;

/**
 * sslmode against a server with TLS and hba lines of every kind, with libpq's outcomes; server
 * certificate verification (verify-ca, verify-full, a root file that makes require verify, CRLs);
 * sslnegotiation=direct against a server older than 17. Every failure is an
 * {@code OperationalException} that names the server and the cause, and none hangs.
 */
@ExtendWith(PgServerExtension.class)
class TlsModesTest {
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    /**
     * The role decides the hba line: pgreen_tls has hostssl only, pgreen_nossl hostnossl only,
     * pgreen_scram a host line that takes both. Expected: TLS, plaintext, or the server's refusal.
     */
    @ParameterizedTest(name = "sslmode={0} user={1} -> {2}")
    @CsvSource({
            "disable,     pgreen_tls,   refused",
            "disable,     pgreen_nossl, plaintext",
            "disable,     pgreen_scram, plaintext",
            "allow,       pgreen_tls,   TLS",
            "allow,       pgreen_nossl, plaintext",
            "allow,       pgreen_scram, plaintext",
            "prefer,      pgreen_tls,   TLS",
            "prefer,      pgreen_nossl, plaintext",
            "prefer,      pgreen_scram, TLS",
            "require,     pgreen_tls,   TLS",
            "require,     pgreen_nossl, refused",
            "require,     pgreen_scram, TLS",
            "verify-ca,   pgreen_tls,   TLS",
            "verify-ca,   pgreen_nossl, refused",
            "verify-ca,   pgreen_scram, TLS",
            "verify-full, pgreen_tls,   TLS",
            "verify-full, pgreen_nossl, refused",
            "verify-full, pgreen_scram, TLS",
    })
    void everySslmodeAgainstHostsslHostnosslAndHostLines(String mode, String user, String expected, TestServer server) {
        TestCertificates tls = certificates(server);
        String dsn = dsn(server, tls, user, TestRoles.PASSWORD, "sslmode=" + mode + " sslrootcert=" + tls.caCert());
        assertTimeoutPreemptively(NO_HANG, () -> {
            if (expected.equals("refused")) {
                OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn).close());
                assertTrue(e.getMessage().contains("pg_hba.conf"), e.getMessage());
                assertEquals("28000", e.sqlState());
                return;
            }
            try (Connection conn = Pgreen.connect(dsn)) {
                String version = sslVersion(conn);
                assertEquals(expected, version.equals("plaintext") ? "plaintext" : "TLS", version);
            }
        });
    }

    @Test
    void theDefaultIsPreferAndTheUriAndEnvironmentSpellingsWork(TestServer server) {
        TestCertificates tls = certificates(server);
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD, ""))) {
            assertTrue(sslVersion(conn).startsWith("TLSv1."), "prefer uses TLS when the server has it");
        }
        String uri = server.tlsUri(TestRoles.TLS_USER, TestRoles.PASSWORD) + "?sslmode=require&sslrootcert="
                + tls.caCert() + "&channel_binding=require";
        try (Connection conn = Pgreen.connect(uri)) {
            assertTrue(sslVersion(conn).startsWith("TLSv1."));
        }
    }

    @Test
    void aTlsProtocolRangeIsHonoured(TestServer server) {
        TestCertificates tls = certificates(server);
        String base = dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require");
        try (Connection conn = Pgreen.connect(base + " ssl_max_protocol_version=TLSv1.2")) {
            assertEquals("TLSv1.2", sslVersion(conn));
        }
        try (Connection conn = Pgreen.connect(base + " ssl_min_protocol_version=tlsv1.3")) {
            assertEquals("TLSv1.3", sslVersion(conn));
        }
    }

    // ---- the server's certificate ----

    @Test
    void verifyCaAcceptsTheRightCaAndRefusesAnother(TestServer server) {
        TestCertificates tls = certificates(server);
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD,
                "sslmode=verify-ca sslrootcert=" + tls.caCert()))) {
            assertTrue(sslVersion(conn).startsWith("TLSv1."));
        }
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=verify-ca sslrootcert=" + tls.otherCaCert())));
        assertFailure(e, server, "certificate verify failed", "unable to get local issuer certificate");
    }

    @Test
    void verifyFullChecksTheHostNameAgainstTheCertificate(TestServer server) {
        TestCertificates tls = certificates(server);
        String verifyFull = "sslmode=verify-full sslrootcert=" + tls.caCert();
        // The server certificate names localhost, 127.0.0.1 and ::1.
        for (String host : new String[] {"localhost", "127.0.0.1", "LOCALHOST"}) {
            try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD,
                    verifyFull + " host=" + host))) {
                assertTrue(sslVersion(conn).startsWith("TLSv1."), host);
            }
        }
        // hostaddr connects to the address and leaves the name in host to be verified, as in libpq.
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD,
                verifyFull + " host=localhost hostaddr=127.0.0.1"))) {
            assertTrue(sslVersion(conn).startsWith("TLSv1."));
        }
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, verifyFull + " host=db.example hostaddr=127.0.0.1")));
        assertTrue(e.getMessage().contains("server certificate for \"localhost\" (and 2 other names) does not match "
                + "host name \"db.example\""), e.getMessage());
        assertTrue(e.getMessage().contains("port " + server.port()), e.getMessage());
        // verify-ca does not look at the name.
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD,
                "sslmode=verify-ca sslrootcert=" + tls.caCert() + " host=db.example hostaddr=127.0.0.1"))) {
            assertTrue(sslVersion(conn).startsWith("TLSv1."));
        }
    }

    @Test
    void verifyFullWithoutAHostNameIsRefused(TestServer server) {
        TestCertificates tls = certificates(server);
        String dsn = "port=" + server.port() + " hostaddr=127.0.0.1 user=" + TestRoles.SCRAM_USER + " password="
                + TestRoles.PASSWORD + " dbname=" + server.database() + TlsFixtures.noDefaults(tls)
                + " sslmode=verify-full sslrootcert=" + tls.caCert();
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn));
        assertTrue(e.getMessage().contains("host name must be specified for a verified SSL connection"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify-ca", "verify-full"})
    void verifyWithoutARootCertificateFailsNamingTheSetting(String mode, TestServer server) {
        TestCertificates tls = certificates(server);
        String dsn = dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=" + mode);
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn));
        assertTrue(e.getMessage().contains("sslmode=" + mode), e.getMessage());
        assertTrue(e.getMessage().contains("root certificate file \"" + tls.dir().resolve("absent").resolve("root.crt")
                + "\" does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("sslrootcert=system"), "the hint names the ways out: " + e.getMessage());
    }

    @Test
    void requireVerifiesWhenARootCertificateExistsAsLibpqDoes(TestServer server) {
        TestCertificates tls = certificates(server);
        // No root file: encrypted, not verified.
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require"))) {
            assertTrue(sslVersion(conn).startsWith("TLSv1."));
        }
        // A root file that did not sign the server's certificate: require behaves as verify-ca.
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require sslrootcert=" + tls.otherCaCert())));
        assertFailure(e, server, "certificate verify failed");
    }

    @Test
    void sslrootcertSystemMeansTheJdkTrustStoreAndVerifyFull(TestServer server) {
        TestCertificates tls = certificates(server);
        // Implied verify-full: the test CA is in no system trust store, so verification fails.
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslrootcert=system")));
        assertFailure(e, server, "certificate verify failed");
        OperationalException weak = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslrootcert=system sslmode=require")));
        assertTrue(weak.getMessage().contains("weak sslmode \"require\" may not be used with sslrootcert=system"),
                weak.getMessage());
    }

    @Test
    void aCrlThatRevokesTheServerCertificateFailsVerification(TestServer server) {
        TestCertificates tls = certificates(server);
        String verify = "sslmode=verify-full host=localhost sslrootcert=" + tls.caCert();
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD,
                verify + " sslcrl=" + tls.crlEmpty()))) {
            assertTrue(sslVersion(conn).startsWith("TLSv1."), "a CRL that revokes nothing changes nothing");
        }
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, verify + " sslcrl=" + tls.crlServerRevoked())));
        assertFailure(e, server, "certificate verify failed: certificate revoked");
    }

    @Test
    void sslcrldirUsesTheNewestCrlOfEachIssuer(TestServer server, @TempDir Path dir) throws Exception {
        TestCertificates tls = certificates(server);
        // Both are the CA's; the later one (a higher CRL number) revokes the server's certificate.
        Files.copy(tls.crlEmpty(), dir.resolve("a.r0"));
        Files.copy(tls.crlServerRevoked(), dir.resolve("b.r0"));
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=verify-ca sslrootcert=" + tls.caCert()
                        + " sslcrl='' sslcrldir=" + dir)));
        assertFailure(e, server, "certificate revoked");
    }

    @Test
    void preferFallsBackToPlaintextWhenTlsCannotEvenStart(TestServer server, @TempDir Path dir) throws Exception {
        TestCertificates tls = certificates(server);
        // A client key anybody may read: require refuses it, prefer goes on in plaintext as libpq does.
        Path key = Files.copy(tls.clientEcKeySec1(), dir.resolve("open.key"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        String files = " sslcert=" + tls.clientEcCert() + " sslkey=" + key;
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require" + files)));
        assertFailure(e, server, "private key file \"" + key + "\" has group or world access");
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD,
                "sslmode=prefer" + files))) {
            assertEquals("plaintext", sslVersion(conn));
        }
    }

    // ---- direct TLS (PostgreSQL 17) ----

    @Test
    void directNegotiationAgainstAServerBefore17FailsClearly(TestServer server) {
        TestCertificates tls = certificates(server);
        assertTimeoutPreemptively(NO_HANG, () -> {
            OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                    TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require sslnegotiation=direct")));
            assertFailure(e, server, "sslnegotiation=direct needs a PostgreSQL 17 or later server");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer"})
    void directNegotiationRefusesAWeakSslmode(String mode, TestServer server) {
        TestCertificates tls = certificates(server);
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=" + mode + " sslnegotiation=direct")));
        assertTrue(e.getMessage().contains("weak sslmode \"" + mode + "\" may not be used with sslnegotiation=direct"),
                e.getMessage());
    }

    /** A connect failure names the server and port, then the cause. */
    static void assertFailure(OperationalException e, TestServer server, String... causes) {
        String m = e.getMessage();
        assertTrue(m.startsWith("connection to server at \"" + server.host() + "\"")
                || m.startsWith("connection to server at \"localhost\""), m);
        assertTrue(m.contains("port " + server.port() + " failed: "), m);
        for (String cause : causes) {
            assertTrue(m.contains(cause), "expected \"" + cause + "\" in: " + m);
        }
    }
}
