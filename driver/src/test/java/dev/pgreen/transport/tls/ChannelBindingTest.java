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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.pgreen.transport.tls.TlsFixtures.certificates;
import static dev.pgreen.transport.tls.TlsFixtures.dsn;
import static dev.pgreen.transport.tls.TlsFixtures.sslVersion;
import static org.junit.jupiter.api.Assertions.*;

/**
 * channel_binding with SCRAM-SHA-256-PLUS (tls-server-end-point) against the real server:
 * require succeeds only when the exchange was bound, so a successful require proves PLUS; it
 * refuses plaintext, methods without SASL (password, md5, trust, cert) and says so by name.
 */
@ExtendWith(PgServerExtension.class)
class ChannelBindingTest {

    @ParameterizedTest
    @ValueSource(strings = {"require", "prefer", "disable"})
    void scramOverTlsWithEveryChannelBindingSetting(String binding, TestServer server) {
        TestCertificates tls = certificates(server);
        for (String user : new String[] {TestRoles.TLS_USER, TestRoles.SCRAM_USER}) {
            try (Connection conn = Pgreen.connect(dsn(server, tls, user, TestRoles.PASSWORD,
                    "sslmode=verify-full sslrootcert=" + tls.caCert() + " channel_binding=" + binding))) {
                assertTrue(sslVersion(conn).startsWith("TLSv1."));
                assertEquals(user, conn.cursor().execute("SELECT current_user").fetchOne().get(0));
            }
        }
    }

    @Test
    void requireRefusesAPlaintextConnection(TestServer server) {
        TestCertificates tls = certificates(server);
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=disable channel_binding=require")));
        assertEquals("channel binding is required, but the connection is not encrypted (SSL is not in use) "
                + "(channel_binding=require)", e.getMessage());
        // prefer ends in plaintext for the hostnossl-only role (TLS rejected, then a plaintext retry): refused all the same.
        OperationalException retried = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.NOSSL_USER, TestRoles.PASSWORD, "sslmode=prefer channel_binding=require")));
        assertTrue(retried.getMessage().contains("channel_binding=require"), retried.getMessage());
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
            "pgreen_password, require",
            "pgreen_md5,      require",
            "pgreen_password, disable",
            "pgreen_md5,      disable",
    })
    void requireRefusesPasswordAndMd5BeforeSendingAnything(String user, String sslmode, TestServer server) {
        TestCertificates tls = certificates(server);
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                user, TestRoles.PASSWORD, "sslmode=" + sslmode + " channel_binding=require")));
        assertEquals("channel binding required but not supported by server's authentication request "
                + "(channel_binding=require)", e.getMessage());
    }

    @Test
    void requireRefusesAServerThatAuthenticatesWithoutSasl(TestServer server) {
        TestCertificates tls = certificates(server);
        String expected = "channel binding required, but server authenticated client without channel binding "
                + "(channel_binding=require)";
        OperationalException trust = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.TRUST_USER, null, "sslmode=require channel_binding=require")));
        assertEquals(expected, trust.getMessage());
        OperationalException cert = assertThrows(OperationalException.class, () -> Pgreen.connect(dsn(server, tls,
                TestRoles.CERT_USER, null, "sslmode=require channel_binding=require sslcert=" + tls.clientEcCert()
                        + " sslkey=" + tls.clientEcKeySec1())));
        assertEquals(expected, cert.getMessage());
    }

    @Test
    void withoutRequireTheOtherMethodsStillWork(TestServer server) {
        TestCertificates tls = certificates(server);
        for (String user : new String[] {TestRoles.PASSWORD_USER, TestRoles.MD5_USER, TestRoles.TRUST_USER}) {
            try (Connection conn = Pgreen.connect(dsn(server, tls, user, TestRoles.PASSWORD, "sslmode=require"))) {
                assertEquals(user, conn.cursor().execute("SELECT current_user").fetchOne().get(0));
            }
        }
    }
}
