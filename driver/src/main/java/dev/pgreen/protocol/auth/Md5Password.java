package dev.pgreen.protocol.auth;

import dev.pgreen.errors.InterfaceException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** The answer to AuthenticationMD5Password, PostgreSQL's legacy salted-MD5 password exchange. */
public final class Md5Password {
    private static final HexFormat HEX = HexFormat.of();

    private Md5Password() {
    }

    /**
     * The PasswordMessage payload, without its trailing NUL: the ASCII string
     * {@code "md5" + hex(md5(hex(md5(password + user)) + salt))}, hex in lower case, strings in UTF-8.
     * The inner hash is what the server stores, so only that and the one-time salt go over the wire.
     *
     * @param salt the 4 bytes of the AuthenticationMD5Password message
     * @throws InterfaceException if this JVM offers no MD5 (a FIPS-restricted provider, say)
     */
    public static byte[] encode(String user, String password, byte[] salt) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(salt, "salt");
        if (salt.length != 4) {
            throw new IllegalArgumentException("an MD5 password salt has 4 bytes, not " + salt.length);
        }
        MessageDigest md5 = md5();
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        md5.update(secret);
        Arrays.fill(secret, (byte) 0);
        md5.update(user.getBytes(StandardCharsets.UTF_8));
        byte[] stored = HEX.formatHex(md5.digest()).getBytes(StandardCharsets.US_ASCII);
        md5.update(stored);
        Arrays.fill(stored, (byte) 0);
        md5.update(salt);
        return ("md5" + HEX.formatHex(md5.digest())).getBytes(StandardCharsets.US_ASCII);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new InterfaceException("MD5 password authentication needs MD5, which this JVM does not provide", e);
        }
    }
}
