package dev.pgreen.transport.tls;

import dev.pgreen.Connection;
import dev.pgreen.testing.TestCertificates;
import dev.pgreen.testing.TestServer;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the TLS tests share: the run's certificates, DSNs that do not depend on ~/.postgresql, the check for TLS. */
final class TlsFixtures {
    private TlsFixtures() {}

    /** The run's certificates; skips the test when the server has no TLS (external server, container, no openssl). */
    static TestCertificates certificates(TestServer server) {
        assumeTrue(server.certificates().isPresent(), "needs the throwaway cluster with TLS (openssl at hand)");
        return server.certificates().get();
    }

    /**
     * DSN settings that stand in for the ~/.postgresql defaults with files that do not exist,
     * so that what the real home holds never changes a test: no root certificate (no
     * verification unless asked), no client certificate, no CRL.
     */
    static String noDefaults(TestCertificates tls) {
        Path none = tls.dir().resolve("absent");
        return " sslrootcert=" + none.resolve("root.crt") + " sslcert=" + none.resolve("postgresql.crt")
                + " sslcrl=" + none.resolve("root.crl");
    }

    /** The DSN of {@code user} on the test server with {@code settings} and no ~/.postgresql defaults. */
    static String dsn(TestServer server, TestCertificates tls, String user, String password, String settings) {
        return server.tlsDsn(user, password) + noDefaults(tls) + " " + settings;
    }

    /** Whether the server sees this session encrypted (pg_stat_ssl), and with which protocol. */
    static String sslVersion(Connection conn) {
        Object v = conn.cursor().execute("SELECT CASE WHEN ssl THEN version ELSE 'plaintext' END "
                + "FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchOne().get(0);
        return (String) v;
    }
}
