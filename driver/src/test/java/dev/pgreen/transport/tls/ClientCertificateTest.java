package dev.pgreen.transport.tls;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestCertificates;
import dev.pgreen.testing.TestRoles;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static dev.pgreen.transport.tls.TlsFixtures.certificates;
import static dev.pgreen.transport.tls.TlsFixtures.dsn;
import static dev.pgreen.transport.tls.TlsModesTest.assertFailure;
import static org.junit.jupiter.api.Assertions.*;

/** Logging in with a client certificate ({@code hostssl ... cert}), the key in every format libpq reads. */
@ExtendWith(PgServerExtension.class)
class ClientCertificateTest {

    private static String certDsn(TestServer server, TestCertificates tls, Path cert, Path key, String more) {
        return dsn(server, tls, TestRoles.CERT_USER, null, "sslmode=verify-full host=localhost sslrootcert=" + tls.caCert()
                + " sslcert=" + cert + " sslkey=" + key + " " + more);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-pkcs8", "rsa-pkcs1", "rsa-encrypted-pkcs8", "ec-sec1", "ec-pkcs8"})
    void eachKeyFormatLogsIn(String format, TestServer server) {
        TestCertificates tls = certificates(server);
        Path cert = format.startsWith("rsa") ? tls.clientRsaCert() : tls.clientEcCert();
        Path key = switch (format) {
            case "rsa-pkcs8" -> tls.clientRsaKeyPkcs8();
            case "rsa-pkcs1" -> tls.clientRsaKeyPkcs1();
            case "rsa-encrypted-pkcs8" -> tls.clientRsaKeyEncrypted();
            case "ec-sec1" -> tls.clientEcKeySec1();
            default -> tls.clientEcKeyPkcs8();
        };
        String password = format.contains("encrypted") ? "sslpassword=" + TestCertificates.KEY_PASSWORD : "";
        try (Connection conn = Pgreen.connect(certDsn(server, tls, cert, key, password))) {
            Row row = conn.cursor().execute("SELECT current_user, client_dn FROM pg_stat_ssl "
                    + "WHERE pid = pg_backend_pid()").fetchOne();
            assertEquals(TestRoles.CERT_USER, row.get(0));
            assertEquals("/CN=" + TestRoles.CERT_USER, row.get(1));
        }
    }

    @Test
    void anEncryptedKeyWithAWrongOrMissingPassword(TestServer server) {
        TestCertificates tls = certificates(server);
        OperationalException wrong = assertThrows(OperationalException.class, () -> Pgreen.connect(certDsn(server, tls,
                tls.clientRsaCert(), tls.clientRsaKeyEncrypted(), "sslpassword=not-the-password")));
        assertFailure(wrong, server, "could not load private key file \"" + tls.clientRsaKeyEncrypted() + "\"",
                "wrong sslpassword?");
        assertFalse(wrong.getMessage().contains("not-the-password"), "no password in a message");
        OperationalException none = assertThrows(OperationalException.class, () -> Pgreen.connect(certDsn(server, tls,
                tls.clientRsaCert(), tls.clientRsaKeyEncrypted(), "")));
        assertFailure(none, server, "the key is encrypted: give its passphrase in sslpassword");
    }

    @Test
    void sslcertmodeRequireNeedsACertificateAskedForAndSent(TestServer server) {
        TestCertificates tls = certificates(server);
        try (Connection conn = Pgreen.connect(certDsn(server, tls, tls.clientRsaCert(), tls.clientRsaKeyPkcs8(),
                "sslcertmode=require"))) {
            assertEquals(TestRoles.CERT_USER, conn.cursor().execute("SELECT current_user").fetchOne().get(0));
        }
        // The server asks (it has a CA for client certificates), but there is nothing to send: refused before
        // any password leaves, although the SCRAM role would log in without a certificate.
        OperationalException none = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require sslcertmode=require")));
        assertFailure(none, server, "the server asked for an SSL certificate, but there is none to send (sslcertmode=require");
        // No server asks outside TLS.
        OperationalException plain = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=disable sslcertmode=require")));
        assertTrue(plain.getMessage().contains("sslcertmode=require needs TLS, but sslmode=disable"), plain.getMessage());
    }

    @Test
    void sslcertmodeDisableNeverSendsTheCertificate(TestServer server) {
        TestCertificates tls = certificates(server);
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(certDsn(server, tls,
                tls.clientRsaCert(), tls.clientRsaKeyPkcs8(), "sslcertmode=disable")));
        assertTrue(e.getMessage().contains("connection requires a valid client certificate"), e.getMessage());
        assertEquals("28000", e.sqlState());
    }

    @Test
    void withoutACertificateTheServerRefuses(TestServer server) {
        TestCertificates tls = certificates(server);
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.CERT_USER, null, "sslmode=require")));
        assertTrue(e.getMessage().contains("connection requires a valid client certificate"), e.getMessage());
        assertEquals("28000", e.sqlState());
    }

    @Test
    void aRevokedClientCertificateIsRefusedByTheServerWithoutAHang(TestServer server) {
        TestCertificates tls = certificates(server);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(certDsn(server, tls,
                    tls.revokedClientCert(), tls.revokedClientKey(), "")));
            // TLS 1.3: the server's alert arrives after the client finished its half of the handshake.
            assertFailure(e, server, "SSL error", "certificate_revoked");
        });
    }

    @Test
    void aCertificateWithoutItsKeyOrWithAnotherKey(TestServer server) {
        TestCertificates tls = certificates(server);
        Path missing = tls.dir().resolve("absent").resolve("postgresql.key");
        OperationalException noKey = assertThrows(OperationalException.class, () -> Pgreen.connect(certDsn(server, tls,
                tls.clientEcCert(), missing, "")));
        assertFailure(noKey, server, "certificate present, but not private key file \"" + missing + "\"");
        OperationalException otherKey = assertThrows(OperationalException.class, () -> Pgreen.connect(certDsn(server, tls,
                tls.clientEcCert(), tls.revokedClientKey(), "")));
        assertFailure(otherKey, server, "certificate does not match private key file \"" + tls.revokedClientKey() + "\"");
    }

    @Test
    void aCertificateIsSentOnlyToAServerThatAsks(TestServer server) {
        TestCertificates tls = certificates(server);
        // The SCRAM role's line does not ask for a certificate: the client's is offered, SCRAM decides.
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.TLS_USER, TestRoles.PASSWORD,
                "sslmode=require sslcert=" + tls.clientEcCert() + " sslkey=" + tls.clientEcKeySec1()))) {
            assertEquals(TestRoles.TLS_USER, conn.cursor().execute("SELECT current_user").fetchOne().get(0));
        }
    }
}
