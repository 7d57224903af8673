package dev.pgreen.transport.tls;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestCertificates;
import dev.pgreen.testing.TestRoles;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ~/.postgresql default files (root.crt, postgresql.crt, postgresql.key, root.crl) under the
 * HOME of the environment, tried in a JVM of its own whose HOME is a directory made for the test:
 * nothing depends on the real home, and nothing in this JVM's environment changes.
 */
@ExtendWith(PgServerExtension.class)
class HomeDefaultsTest {

    @Test
    void theDefaultFilesAreUsedWhenTheSettingsAreNotGiven(TestServer server, @TempDir Path dir) throws Exception {
        TestCertificates tls = TlsFixtures.certificates(server);
        // HOME a: our CA and a client certificate with its key; every default at work.
        Path a = home(dir.resolve("a"), tls.caCert(), tls.clientEcCert(), tls.clientEcKeySec1(), null);
        // HOME b: our CA and a CRL that revokes the server's certificate.
        Path b = home(dir.resolve("b"), tls.caCert(), null, null, tls.crlServerRevoked());
        // HOME c: a root certificate that did not sign the server's.
        Path c = home(dir.resolve("c"), tls.otherCaCert(), null, null, null);

        String certUser = server.tlsDsn(TestRoles.CERT_USER, null) + " host=localhost";
        List<String> inA = run(a, certUser + " sslmode=verify-full",
                server.tlsDsn(TestRoles.SCRAM_USER, TestRoles.PASSWORD) + " sslmode=verify-ca");
        assertTrue(inA.get(0).startsWith("OK pgreen_cert TLSv1."), "root.crt, postgresql.crt and postgresql.key: " + inA);
        assertTrue(inA.get(1).startsWith("OK pgreen_scram TLSv1."), inA.toString());

        String scram = server.tlsDsn(TestRoles.SCRAM_USER, TestRoles.PASSWORD);
        List<String> inB = run(b, scram + " sslmode=require", scram + " sslmode=prefer", scram + " sslmode=require sslcrl="
                + tls.crlEmpty());
        assertTrue(inB.get(0).startsWith("ERR OperationalException") && inB.get(0).contains("certificate revoked"),
                "root.crl is honoured, and require verifies because root.crt exists: " + inB);
        assertTrue(inB.get(1).startsWith("OK pgreen_scram plaintext") || inB.get(1).startsWith("OK pgreen_scram null"),
                "prefer gives up TLS after a failed handshake and goes on in plaintext, as libpq does: " + inB);
        assertTrue(inB.get(2).startsWith("OK pgreen_scram TLSv1."), "a given sslcrl replaces root.crl: " + inB);

        List<String> inC = run(c, scram + " sslmode=require", scram + " sslmode=require sslrootcert=" + tls.caCert());
        assertTrue(inC.get(0).contains("certificate verify failed"), inC.toString());
        assertTrue(inC.get(1).startsWith("OK pgreen_scram TLSv1."), "a given sslrootcert replaces root.crt: " + inC);
    }

    private static Path home(Path home, Path root, Path cert, Path key, Path crl) throws IOException {
        Path pg = Files.createDirectories(home.resolve(".postgresql"));
        Files.copy(root, pg.resolve("root.crt"));
        if (cert != null) {
            Files.copy(cert, pg.resolve("postgresql.crt"));
            Files.copy(key, pg.resolve("postgresql.key"));
            Files.setPosixFilePermissions(pg.resolve("postgresql.key"), PosixFilePermissions.fromString("rw-------"));
        }
        if (crl != null) {
            Files.copy(crl, pg.resolve("root.crl"));
        }
        return home;
    }

    /** Runs {@link HomeDefaultsMain} with HOME={@code home} and no PG* variables; returns its lines. */
    private static List<String> run(Path home, String... dsns) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HomeDefaultsMain.class.getName()));
        cmd.addAll(List.of(dsns));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> l.startsWith("OK ") || l.startsWith("ERR ")).toList();
        assertEquals(dsns.length, lines.size(), out);
        return lines;
    }
}
