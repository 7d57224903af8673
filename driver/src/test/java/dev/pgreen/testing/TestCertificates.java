package dev.pgreen.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The certificates of a test run, made with {@code openssl} in a directory of their own: a
 * certificate authority, a server certificate for {@code localhost}, {@code 127.0.0.1} and
 * {@code ::1}, client certificates for {@link TestRoles#CERT_USER} with their keys in every
 * format libpq reads, a second CA that signed nothing the server uses, and CRLs.
 *
 * <p>EC P-256 keys wherever the format allows (fast to make and to use); the one RSA key exists
 * for the PKCS#1 and encrypted-PKCS#8 formats. Every key file is 0600, as libpq insists.
 *
 * @param caCert the CA that signed the server and client certificates ({@code sslrootcert})
 * @param otherCaCert a CA that signed nothing the server uses (verify-ca must fail with it)
 * @param serverCert the server's certificate (SAN DNS:localhost, IP:127.0.0.1, IP:::1)
 * @param clientRsaCert {@code CN=pgreen_cert}, for the RSA key in {@code clientRsaKeyPkcs8},
 *     {@code clientRsaKeyPkcs1} and {@code clientRsaKeyEncrypted} (password {@link #KEY_PASSWORD})
 * @param clientEcCert {@code CN=pgreen_cert}, for the EC key in {@code clientEcKeySec1} and {@code clientEcKeyPkcs8}
 * @param revokedClientCert {@code CN=pgreen_cert}, revoked in the server's CRL ({@code crlClientRevoked})
 * @param crlEmpty a CRL of the CA that revokes nothing
 * @param crlClientRevoked the server's {@code ssl_crl_file}: revokes {@code revokedClientCert}
 * @param crlServerRevoked a CRL that revokes the server's certificate
 */
public record TestCertificates(Path dir, Path caCert, Path otherCaCert, Path serverCert, Path serverKey,
                               Path clientRsaCert, Path clientRsaKeyPkcs8, Path clientRsaKeyPkcs1,
                               Path clientRsaKeyEncrypted, Path clientEcCert, Path clientEcKeySec1,
                               Path clientEcKeyPkcs8, Path revokedClientCert, Path revokedClientKey,
                               Path crlEmpty, Path crlClientRevoked, Path crlServerRevoked) {

    /** The passphrase of {@link #clientRsaKeyEncrypted}. */
    public static final String KEY_PASSWORD = "pgreen-key-pass";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String EC = "ec_paramgen_curve:P-256";

    /** The openssl binary, if this machine has one. */
    public static Optional<String> openssl() {
        for (String candidate : List.of("/usr/bin/openssl", "/usr/local/bin/openssl")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, "openssl"))) {
                    return Optional.of(d + "/openssl");
                }
            }
        }
        return Optional.empty();
    }

    /** Makes the certificates in {@code dir} (created); takes a few hundred milliseconds. */
    static TestCertificates generate(String openssl, Path dir) {
        try {
            Files.createDirectories(dir);
            var tc = new TestCertificates(dir, dir.resolve("ca.crt"), dir.resolve("other-ca.crt"),
                    dir.resolve("server.crt"), dir.resolve("server.key"),
                    dir.resolve("client-rsa.crt"), dir.resolve("client-rsa.pk8.key"), dir.resolve("client-rsa.pkcs1.key"),
                    dir.resolve("client-rsa.enc.key"), dir.resolve("client-ec.crt"), dir.resolve("client-ec.sec1.key"),
                    dir.resolve("client-ec.pk8.key"), dir.resolve("client-revoked.crt"), dir.resolve("client-revoked.key"),
                    dir.resolve("crl-empty.pem"), dir.resolve("crl-client-revoked.pem"), dir.resolve("crl-server-revoked.pem"));
            tc.make(openssl);
            return tc;
        } catch (IOException e) {
            throw new UncheckedIOException("could not make the test certificates in " + dir, e);
        }
    }

    private void make(String openssl) throws IOException {
        Path ca = dir.resolve("ca.key");
        ssl(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", EC, "-nodes", "-keyout", ca, "-out", caCert,
                "-days", "3650", "-subj", "/CN=pgreen test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        ssl(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", EC, "-nodes", "-keyout", dir.resolve("other-ca.key"),
                "-out", otherCaCert, "-days", "3650", "-subj", "/CN=pgreen other CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path serverExt = Files.writeString(dir.resolve("server.ext"),
                "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\n");
        ssl(openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", EC, "-nodes", "-keyout", serverKey,
                "-out", dir.resolve("server.csr"), "-subj", "/CN=localhost");
        sign(openssl, "server", serverCert, serverExt);

        ssl(openssl, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", clientRsaKeyPkcs8);
        ssl(openssl, "req", "-new", "-key", clientRsaKeyPkcs8, "-out", dir.resolve("client-rsa.csr"), "-subj", "/CN=" + TestRoles.CERT_USER);
        sign(openssl, "client-rsa", clientRsaCert, null);
        ssl(openssl, "pkey", "-in", clientRsaKeyPkcs8, "-traditional", "-out", clientRsaKeyPkcs1);
        ssl(openssl, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", clientRsaKeyPkcs8,
                "-passout", "pass:" + KEY_PASSWORD, "-out", clientRsaKeyEncrypted);

        ssl(openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", clientEcKeySec1);
        ssl(openssl, "pkcs8", "-topk8", "-nocrypt", "-in", clientEcKeySec1, "-out", clientEcKeyPkcs8);
        ssl(openssl, "req", "-new", "-key", clientEcKeySec1, "-out", dir.resolve("client-ec.csr"), "-subj", "/CN=" + TestRoles.CERT_USER);
        sign(openssl, "client-ec", clientEcCert, null);

        ssl(openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", revokedClientKey);
        ssl(openssl, "req", "-new", "-key", revokedClientKey, "-out", dir.resolve("client-revoked.csr"), "-subj", "/CN=" + TestRoles.CERT_USER);
        sign(openssl, "client-revoked", revokedClientCert, null);

        // openssl ca keeps its revocations in index.txt: each -gencrl lists those made so far.
        Files.writeString(dir.resolve("index.txt"), "");
        Files.writeString(dir.resolve("crlnumber"), "01\n");
        Path conf = Files.writeString(dir.resolve("ca.cnf"), """
                [ ca ]
                default_ca = test_ca
                [ test_ca ]
                database = %s
                crlnumber = %s
                default_md = sha256
                default_crl_days = 3650
                certificate = %s
                private_key = %s
                """.formatted(dir.resolve("index.txt"), dir.resolve("crlnumber"), caCert, ca));
        ssl(openssl, "ca", "-config", conf, "-gencrl", "-out", crlEmpty);
        ssl(openssl, "ca", "-config", conf, "-revoke", revokedClientCert);
        ssl(openssl, "ca", "-config", conf, "-gencrl", "-out", crlClientRevoked);
        ssl(openssl, "ca", "-config", conf, "-revoke", serverCert);
        ssl(openssl, "ca", "-config", conf, "-gencrl", "-out", crlServerRevoked);

        for (Path key : List.of(ca, dir.resolve("other-ca.key"), serverKey, clientRsaKeyPkcs8, clientRsaKeyPkcs1,
                clientRsaKeyEncrypted, clientEcKeySec1, clientEcKeyPkcs8, revokedClientKey)) {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private void sign(String openssl, String name, Path out, Path ext) {
        List<Object> args = new ArrayList<>(List.of("x509", "-req", "-in", dir.resolve(name + ".csr"),
                "-CA", caCert, "-CAkey", dir.resolve("ca.key"), "-CAcreateserial", "-out", out, "-days", "3650"));
        if (ext != null) {
            args.addAll(List.of("-extfile", ext));
        }
        ssl(openssl, args.toArray());
    }

    private void ssl(String openssl, Object... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(openssl);
        for (Object a : args) {
            cmd.add(a.toString());
        }
        LocalCluster.run(cmd, dir, null, TIMEOUT).check("openssl " + args[0]);
    }
}
