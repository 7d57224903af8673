package dev.pgreen.transport.tls;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestCertificates;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.*;

/** Every key format libpq reads, from the files openssl made for the run, each checked against its certificate. */
@ExtendWith(PgServerExtension.class)
class PrivateKeysTest {

    @Test
    void everyFormatReadsToTheKeyOfItsCertificate(TestServer server) throws Exception {
        TestCertificates tls = TlsFixtures.certificates(server);
        X509Certificate rsa = Pem.certificates(tls.clientRsaCert()).get(0);
        X509Certificate ec = Pem.certificates(tls.clientEcCert()).get(0);
        assertSigns(PrivateKeys.read(tls.clientRsaKeyPkcs8(), null), rsa, "SHA256withRSA");
        assertSigns(PrivateKeys.read(tls.clientRsaKeyPkcs1(), null), rsa, "SHA256withRSA");
        assertSigns(PrivateKeys.read(tls.clientRsaKeyEncrypted(), TestCertificates.KEY_PASSWORD), rsa, "SHA256withRSA");
        assertSigns(PrivateKeys.read(tls.clientEcKeySec1(), null), ec, "SHA256withECDSA");
        assertSigns(PrivateKeys.read(tls.clientEcKeyPkcs8(), null), ec, "SHA256withECDSA");
        // A password given for a key that is not encrypted is ignored, as OpenSSL does.
        assertSigns(PrivateKeys.read(tls.clientEcKeySec1(), "unused"), ec, "SHA256withECDSA");
    }

    @Test
    void derFilesAreReadToo(TestServer server, @TempDir Path dir) throws Exception {
        TestCertificates tls = TlsFixtures.certificates(server);
        X509Certificate ec = Pem.certificates(tls.clientEcCert()).get(0);
        for (Path pem : new Path[] {tls.clientEcKeySec1(), tls.clientEcKeyPkcs8(), tls.clientRsaKeyPkcs1()}) {
            Path der = dir.resolve(pem.getFileName() + ".der");
            Files.write(der, Pem.blocks(pem).get(0).der());
            PrivateKey key = PrivateKeys.read(der, null);
            if (key.getAlgorithm().equals("EC")) {
                assertSigns(key, ec, "SHA256withECDSA");
            }
        }
    }

    @Test
    void anEncryptedKeyNeedsTheRightPassword(TestServer server) throws Exception {
        TestCertificates tls = TlsFixtures.certificates(server);
        var wrong = assertThrows(PrivateKeys.KeyException.class, () -> PrivateKeys.read(tls.clientRsaKeyEncrypted(), "wrong"));
        assertEquals("could not decrypt the key: wrong sslpassword?", wrong.getMessage());
        var none = assertThrows(PrivateKeys.KeyException.class, () -> PrivateKeys.read(tls.clientRsaKeyEncrypted(), null));
        assertEquals("the key is encrypted: give its passphrase in sslpassword", none.getMessage());
    }

    @Test
    void legacyEncryptedPemIsRefusedWithTheWayOut(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("legacy.key"), """
                -----BEGIN RSA PRIVATE KEY-----
                Proc-Type: 4,ENCRYPTED
                DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF

                AAAA
                -----END RSA PRIVATE KEY-----
                """);
        var e = assertThrows(PrivateKeys.KeyException.class, () -> PrivateKeys.read(key, "pw"));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }

    @Test
    void garbageIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        var noKey = assertThrows(PrivateKeys.KeyException.class, () -> PrivateKeys.read(cert, null));
        assertTrue(noKey.getMessage().startsWith("no private key"), noKey.getMessage());
        Path bad = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getEncoder().encodeToString(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}) + "\n-----END RSA PRIVATE KEY-----\n");
        var malformed = assertThrows(PrivateKeys.KeyException.class, () -> PrivateKeys.read(bad, null));
        assertTrue(malformed.getMessage().startsWith("malformed PKCS#1 RSA private key: expected a DER INTEGER"),
                malformed.getMessage());
    }

    private static void assertSigns(PrivateKey key, X509Certificate cert, String algorithm) throws Exception {
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(new byte[] {1, 2, 3});
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(cert.getPublicKey());
        verify.update(new byte[] {1, 2, 3});
        assertTrue(verify.verify(signature), "the key matches its certificate: " + key.getAlgorithm());
    }
}
