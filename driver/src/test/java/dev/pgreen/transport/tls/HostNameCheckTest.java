package dev.pgreen.transport.tls;

import dev.pgreen.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** verify-full's name check with libpq's rules, table-tested, then on certificates openssl makes. */
class HostNameCheckTest {

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
            "db.example.com,   db.example.com,   true",
            "DB.Example.COM,   db.example.com,   true",
            "*.example.com,    db.example.com,   true",
            "*.example.com,    DB.EXAMPLE.COM,   true",
            "*.example.com,    example.com,      false",
            "*.example.com,    a.b.example.com,  false",
            "*.example.com,    dbexample.com,    false",
            "*,                db,               false",
            "db*.example.com,  db1.example.com,  false",
            "*.com,            example.com,      true",
            "db.example.com,   other.example.com, false",
    })
    void namesMatchExactlyOrByOneWildcardLabel(String name, String host, boolean matches) {
        assertEquals(matches, HostNameCheck.nameMatches(name, host));
    }

    @Test
    void anEmbeddedNulNeverMatches() {
        assertFalse(HostNameCheck.nameMatches("good.example\0.evil.example", "good.example"));
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 7f000001",
            "::1,       00000000000000000000000000000001",
            "fe80::1,   fe800000000000000000000000000001",
            "256.0.0.1, ",
            "1.2.3,     ",
            "localhost, ",
            "db:5432x,  ",
            "g::1,      ",
    })
    void addressLiteralsParseWithoutAskingANameServer(String host, String hex) {
        byte[] b = HostNameCheck.ipLiteral(host);
        assertEquals(hex, b == null ? null : java.util.HexFormat.of().formatHex(b));
    }

    @ParameterizedTest
    @CsvSource({"localhost, true", "db.example.com, true", "127.0.0.1, false", "::1, false", "'', false"})
    void sniIsForNamesNotAddresses(String host, boolean sni) {
        assertEquals(sni, HostNameCheck.isSniName(host));
    }

    @Test
    void subjectAltNamesOfBothKindsAndTheCommonNameFallback(@TempDir Path dir) throws Exception {
        X509Certificate sans = cert(dir, "sans", "/CN=ignored.example", "DNS:db.example,DNS:*.pool.example,IP:10.0.0.7");
        assertNull(HostNameCheck.mismatch(sans, "db.example"));
        assertNull(HostNameCheck.mismatch(sans, "a.pool.example"));
        assertNull(HostNameCheck.mismatch(sans, "10.0.0.7"));
        assertEquals("server certificate for \"db.example\" (and 2 other names) does not match host name \"ignored.example\"",
                HostNameCheck.mismatch(sans, "ignored.example"), "a dNSName present: the CN is ignored");
        assertEquals("server certificate for \"db.example\" (and 2 other names) does not match host name \"10.0.0.8\"",
                HostNameCheck.mismatch(sans, "10.0.0.8"));

        X509Certificate cnOnly = cert(dir, "cn", "/CN=cn.example", null);
        assertNull(HostNameCheck.mismatch(cnOnly, "cn.example"));
        assertEquals("server certificate for \"cn.example\" does not match host name \"db.example\"",
                HostNameCheck.mismatch(cnOnly, "db.example"));

        // libpq lets the CN match an address when there is no iPAddress SAN, even beside a dNSName.
        X509Certificate dnsAndIpCn = cert(dir, "ipcn", "/CN=10.0.0.9", "DNS:db.example");
        assertNull(HostNameCheck.mismatch(dnsAndIpCn, "10.0.0.9"));
        assertEquals("server certificate for \"db.example\" (and 1 other name) does not match host name \"10.0.0.10\"",
                HostNameCheck.mismatch(dnsAndIpCn, "10.0.0.10"));
    }

    private static X509Certificate cert(Path dir, String name, String subject, String san) throws Exception {
        String openssl = TestCertificates.openssl().orElse(null);
        assumeTrue(openssl != null, "needs openssl");
        Path crt = dir.resolve(name + ".crt");
        List<String> cmd = new java.util.ArrayList<>(List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir.resolve(name + ".key").toString(), "-out", crt.toString(),
                "-days", "1", "-subj", subject));
        if (san != null) {
            cmd.addAll(List.of("-addext", "subjectAltName=" + san));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(Duration.ofSeconds(30).toSeconds(), java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return Pem.certificates(crt).get(0);
    }
}
