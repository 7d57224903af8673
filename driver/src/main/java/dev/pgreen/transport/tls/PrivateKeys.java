package dev.pgreen.transport.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads a client's private key as libpq (through OpenSSL) accepts it: PEM PKCS#8
 * ({@code BEGIN PRIVATE KEY}), encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}, with
 * {@code sslpassword}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) and SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}), or the same in DER. The JDK reads only PKCS#8, so PKCS#1 and
 * SEC1 are taken apart with {@link Der}.
 */
final class PrivateKeys {
    private PrivateKeys() {}

    /** Why a key could not be read; the message names the problem, never the password. */
    static final class KeyException extends Exception {
        KeyException(String message) {
            super(message);
        }

        KeyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Map<String, String> PKCS8_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.2.840.10040.4.1", "DSA",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");
    private static final String PBES2 = "1.2.840.113549.1.5.13";

    static PrivateKey read(Path file, String password) throws IOException, KeyException {
        byte[] raw = Files.readAllBytes(file);
        List<Pem.Block> blocks;
        try {
            blocks = Pem.blocks(new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException e) {
            throw new KeyException(e.getMessage());
        }
        if (blocks.isEmpty()) {
            // libpq retries a file that is not PEM as DER.
            return der(raw);
        }
        for (Pem.Block b : blocks) {
            switch (b.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der());
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    return encryptedPkcs8(b.der(), password);
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    if (b.headers().containsKey("DEK-Info")) {
                        throw new KeyException("the key is encrypted in OpenSSL's legacy PEM format ("
                                + b.headers().get("DEK-Info") + "), which pgreen does not read: convert it to "
                                + "encrypted PKCS#8 with `openssl pkcs8 -topk8 -v2 aes-256-cbc`");
                    }
                    return b.label().startsWith("RSA") ? pkcs1(b.der()) : sec1(b.der());
                }
                default -> { }
            }
        }
        throw new KeyException("no private key (-----BEGIN PRIVATE KEY-----, ENCRYPTED PRIVATE KEY, "
                + "RSA PRIVATE KEY or EC PRIVATE KEY) found");
    }

    private static PrivateKey der(byte[] der) throws KeyException {
        KeyException first = null;
        for (int format = 0; format < 3; format++) {
            try {
                return switch (format) {
                    case 0 -> pkcs8(der);
                    case 1 -> pkcs1(der);
                    default -> sec1(der);
                };
            } catch (KeyException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw new KeyException("neither PEM nor a DER private key: " + first.getMessage());
    }

    static PrivateKey pkcs8(byte[] der) throws KeyException {
        String oid;
        try {
            Der info = Der.sequence(der);
            info.nextInteger();
            oid = info.nextSequence().nextOid();
        } catch (IllegalArgumentException e) {
            throw new KeyException("malformed PKCS#8 private key: " + e.getMessage(), e);
        }
        String algorithm = PKCS8_ALGORITHMS.get(oid);
        if (algorithm == null) {
            throw new KeyException("unsupported private key algorithm " + oid);
        }
        return generate(algorithm, new PKCS8EncodedKeySpec(der));
    }

    private static PrivateKey encryptedPkcs8(byte[] der, String password) throws KeyException {
        if (password == null) {
            throw new KeyException("the key is encrypted: give its passphrase in sslpassword");
        }
        byte[] plain;
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters params = info.getAlgParameters();
            // For PBES2 the JDK names the real scheme (e.g. PBEWithHmacSHA256AndAES_256) only in its parameters.
            String name = info.getAlgName();
            String scheme = name.equals(PBES2) || name.equalsIgnoreCase("PBES2") ? params.toString() : name;
            SecretKeyFactory factory = SecretKeyFactory.getInstance(scheme);
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray());
            Cipher cipher = Cipher.getInstance(scheme);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(spec), params);
            spec.clearPassword();
            plain = info.getKeySpec(cipher).getEncoded();
        } catch (IOException | IllegalArgumentException e) {
            throw new KeyException("malformed encrypted PKCS#8 private key: " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new KeyException("the key's encryption scheme is not available in this JVM: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            // A wrong password shows as bad padding or as garbage that is no PKCS#8 structure.
            throw new KeyException("could not decrypt the key: wrong sslpassword?", e);
        }
        try {
            return pkcs8(plain);
        } catch (KeyException e) {
            throw new KeyException("could not decrypt the key: wrong sslpassword?", e);
        }
    }

    /** RFC 8017's RSAPrivateKey: version, n, e, d, p, q, dP, dQ, qInv. */
    static PrivateKey pkcs1(byte[] der) throws KeyException {
        KeySpec spec;
        try {
            Der key = Der.sequence(der);
            BigInteger version = key.nextInteger();
            if (version.signum() != 0) {
                throw new IllegalArgumentException("unsupported version " + version + " (multi-prime RSA)");
            }
            spec = new RSAPrivateCrtKeySpec(key.nextInteger(), key.nextInteger(), key.nextInteger(),
                    key.nextInteger(), key.nextInteger(), key.nextInteger(), key.nextInteger(), key.nextInteger());
        } catch (IllegalArgumentException e) {
            throw new KeyException("malformed PKCS#1 RSA private key: " + e.getMessage(), e);
        }
        return generate("RSA", spec);
    }

    /** RFC 5915's ECPrivateKey: version 1, the private value, [0] the named curve, [1] the public key. */
    static PrivateKey sec1(byte[] der) throws KeyException {
        BigInteger s;
        String curve;
        try {
            Der key = Der.sequence(der);
            BigInteger version = key.nextInteger();
            if (!version.equals(BigInteger.ONE)) {
                throw new IllegalArgumentException("unsupported version " + version);
            }
            s = new BigInteger(1, key.nextOctetString());
            Der parameters = key.nextExplicit(0);
            if (parameters == null || parameters.peekTag() != Der.OID) {
                throw new IllegalArgumentException("no named curve (explicit curve parameters are not supported)");
            }
            curve = parameters.nextOid();
        } catch (IllegalArgumentException e) {
            throw new KeyException("malformed SEC1 EC private key: " + e.getMessage(), e);
        }
        ECParameterSpec params;
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(curve));
            params = p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new KeyException("unsupported EC curve " + curve, e);
        }
        return generate("EC", new ECPrivateKeySpec(s, params));
    }

    private static PrivateKey generate(String algorithm, KeySpec spec) throws KeyException {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException e) {
            throw new KeyException("invalid " + algorithm + " private key: " + e.getMessage(), e);
        }
    }
}
