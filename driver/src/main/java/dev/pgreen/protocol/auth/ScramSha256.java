package dev.pgreen.protocol.auth;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) as PostgreSQL runs it. Sans-IO:
 * it turns the server's SASL payloads into the client's, and never touches a socket.
 *
 * <p>The exchange, each step callable once and in this order:
 * <ol>
 *   <li>AuthenticationSASL: if {@link #supported} says yes, send SASLInitialResponse naming
 *       {@link #MECHANISM} with {@link #clientFirstMessage()};</li>
 *   <li>AuthenticationSASLContinue: send SASLResponse with {@link #clientFinalMessage(byte[])};</li>
 *   <li>AuthenticationSASLFinal: {@link #verifyServerFinal(byte[])}, which proves that the server
 *       knew the password, before AuthenticationOk is believed.</li>
 * </ol>
 * A step called out of order, or after a step failed, throws {@link InterfaceException}.
 *
 * <p>Channel binding (RFC 5802's gs2 header): {@link #plus} binds the exchange to the TLS
 * connection with tls-server-end-point data (RFC 5929), as SCRAM-SHA-256-PLUS; the plain mechanism
 * says {@code n} (no binding) or, over TLS when the server did not offer PLUS, {@code y} (the
 * client could have bound, so a server that did offer PLUS detects the downgrade). The password
 * goes through {@link SaslPrep#prepareOrRaw}; no exception message ever contains it. An instance is
 * not thread-safe.
 */
public final class ScramSha256 {
    public static final String MECHANISM = "SCRAM-SHA-256";
    public static final String MECHANISM_PLUS = "SCRAM-SHA-256-PLUS";

    private static final String NO_BINDING = "n,,";
    private static final String BINDING_NOT_OFFERED = "y,,";
    private static final String TLS_SERVER_END_POINT = "p=tls-server-end-point,,";
    private static final int NONCE_BYTES = 18;
    private static final String HMAC_SHA_256 = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State {
        INITIAL("not started"),
        FIRST_SENT("waiting for the server-first-message"),
        FINAL_SENT("waiting for the server-final-message"),
        DONE("complete"),
        FAILED("failed");

        private final String description;

        State(String description) {
            this.description = description;
        }
    }

    private final String clientNonce;
    private final String clientFirstBare;
    private final String gs2Header;
    /** The channel binding data after the gs2 header in c=; empty unless PLUS. */
    private final byte[] bindingData;
    /** The prepared password; zeroed once the salted password is derived from it. */
    private final byte[] password;
    private byte[] expectedServerSignature;
    private State state = State.INITIAL;

    /** Starts a SCRAM-SHA-256 exchange without channel binding ({@code n}) with a fresh random nonce. */
    public ScramSha256(String password) {
        this("", password, newNonce(), NO_BINDING, new byte[0]);
    }

    /**
     * Starts a SCRAM-SHA-256-PLUS exchange bound to the TLS connection whose server certificate
     * hashes to {@code serverEndPoint} (tls-server-end-point, RFC 5929).
     */
    public static ScramSha256 plus(String password, byte[] serverEndPoint) {
        Objects.requireNonNull(serverEndPoint, "serverEndPoint");
        return new ScramSha256("", password, newNonce(), TLS_SERVER_END_POINT, serverEndPoint.clone());
    }

    /**
     * Starts a plain SCRAM-SHA-256 exchange over TLS when the server did not offer PLUS: the
     * {@code y} flag tells the server the client supports channel binding, so that a server
     * whose offer of PLUS was stripped on the way rejects the exchange.
     */
    public static ScramSha256 bindingNotOffered(String password) {
        return new ScramSha256("", password, newNonce(), BINDING_NOT_OFFERED, new byte[0]);
    }

    private ScramSha256(String user, String password, String clientNonce, String gs2Header, byte[] bindingData) {
        Objects.requireNonNull(password, "password");
        this.clientNonce = clientNonce;
        this.gs2Header = gs2Header;
        this.bindingData = bindingData;
        // PostgreSQL ignores the SCRAM user name and authenticates the startup message's user, so
        // production sends n= empty; only the RFC 7677 test vector needs a name.
        this.clientFirstBare = "n=" + saslName(user) + ",r=" + clientNonce;
        this.password = SaslPrep.prepareOrRaw(password);
    }

    /** An exchange with a fixed nonce and an empty user name, for tests. */
    static ScramSha256 withNonce(String password, String clientNonce) {
        return withNonce("", password, clientNonce);
    }

    /** An exchange with a fixed nonce and user name, for tests against published vectors. */
    static ScramSha256 withNonce(String user, String password, String clientNonce) {
        Objects.requireNonNull(user, "user");
        if (!isPrintable(clientNonce)) {
            throw new IllegalArgumentException("a SCRAM nonce must be non-empty printable ASCII without ','");
        }
        return new ScramSha256(user, password, clientNonce, NO_BINDING, new byte[0]);
    }

    /** A SCRAM-SHA-256-PLUS exchange with a fixed nonce, for tests. */
    static ScramSha256 plusWithNonce(String password, String clientNonce, byte[] serverEndPoint) {
        return new ScramSha256("", password, clientNonce, TLS_SERVER_END_POINT, serverEndPoint.clone());
    }

    /** The mechanism to name in the SASLInitialResponse. */
    public String mechanism() {
        return gs2Header.equals(TLS_SERVER_END_POINT) ? MECHANISM_PLUS : MECHANISM;
    }

    /** Whether the exchange is complete and was bound to the TLS connection (SCRAM-SHA-256-PLUS). */
    public boolean isChannelBound() {
        return state == State.DONE && gs2Header.equals(TLS_SERVER_END_POINT);
    }

    /** Whether the mechanisms an AuthenticationSASL message offers include plain SCRAM-SHA-256. */
    public static boolean supported(List<String> mechanisms) {
        return mechanisms.contains(MECHANISM);
    }

    /** The client-first-message, {@code n,,n=,r=<nonce>} (or {@code y,,} or {@code p=tls-server-end-point,,}): the SASLInitialResponse payload. */
    public byte[] clientFirstMessage() {
        advance(State.INITIAL, "clientFirstMessage");
        state = State.FIRST_SENT;
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the server-first-message (the AuthenticationSASLContinue payload) and answers it with
     * the client-final-message, {@code c=<base64 of the gs2 header and binding data>,r=<nonce>,p=<proof>}.
     *
     * @throws InterfaceException if the message is malformed, its nonce does not extend ours, or it
     *     demands a mandatory extension ({@code m=})
     */
    public byte[] clientFinalMessage(byte[] serverFirstMessage) {
        advance(State.FIRST_SENT, "clientFinalMessage");
        try {
            return clientFinal(ServerFirst.parse(serverFirstMessage, clientNonce), serverFirstMessage);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private byte[] clientFinal(ServerFirst serverFirst, byte[] serverFirstMessage) {
        byte[] header = gs2Header.getBytes(StandardCharsets.US_ASCII);
        byte[] binding = Arrays.copyOf(header, header.length + bindingData.length);
        System.arraycopy(bindingData, 0, binding, header.length, bindingData.length);
        String finalWithoutProof = "c=" + Base64.getEncoder().encodeToString(binding) + ",r=" + serverFirst.nonce();
        byte[] authMessage = concat(
                clientFirstBare.getBytes(StandardCharsets.UTF_8),
                serverFirstMessage,
                finalWithoutProof.getBytes(StandardCharsets.UTF_8));

        byte[] saltedPassword = hi(password, serverFirst.salt(), serverFirst.iterations());
        byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = sha256(clientKey);
        byte[] proof = hmac(storedKey, authMessage);
        for (int i = 0; i < proof.length; i++) {
            proof[i] ^= clientKey[i];
        }
        byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
        expectedServerSignature = hmac(serverKey, authMessage);
        Arrays.fill(saltedPassword, (byte) 0);
        Arrays.fill(clientKey, (byte) 0);
        Arrays.fill(serverKey, (byte) 0);

        state = State.FINAL_SENT;
        return (finalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the server-final-message (the AuthenticationSASLFinal payload): its {@code v=} must be the
     * server signature only a holder of the password's verifier can compute.
     *
     * @throws OperationalException if the server reports an error ({@code e=}) or its signature is wrong
     * @throws InterfaceException if the message is malformed
     */
    public void verifyServerFinal(byte[] serverFinalMessage) {
        advance(State.FINAL_SENT, "verifyServerFinal");
        byte[] expected = expectedServerSignature;
        expectedServerSignature = null;
        String text = decode(serverFinalMessage, "server-final-message");
        // Anything after the first attribute is an extension, which RFC 5802 says to ignore.
        int comma = text.indexOf(',');
        String first = comma < 0 ? text : text.substring(0, comma);
        if (first.startsWith("e=")) {
            throw new OperationalException("SCRAM authentication failed: the server reported error '"
                    + first.substring(2) + "'");
        }
        if (!first.startsWith("v=")) {
            throw protocolError("server-final-message has neither v= nor e=");
        }
        byte[] signature = base64(first.substring(2), "server-final-message v=");
        if (!MessageDigest.isEqual(expected, signature)) {
            throw new OperationalException("SCRAM server signature does not match: the server does not "
                    + "know the password, so it may not be the server it claims to be");
        }
        state = State.DONE;
    }

    /**
     * Guards one step. The state is FAILED until the step completes, so a step that throws leaves
     * the exchange unusable instead of half-advanced.
     */
    private void advance(State expected, String step) {
        if (state != expected) {
            throw new InterfaceException("SCRAM " + step + "() called out of order: the exchange is "
                    + state.description);
        }
        state = State.FAILED;
    }

    /** The parts of a server-first-message the client uses. */
    private record ServerFirst(String nonce, byte[] salt, int iterations) {
        static ServerFirst parse(byte[] message, String clientNonce) {
            String[] attributes = decode(message, "server-first-message").split(",", -1);
            if (attributes[0].startsWith("m=")) {
                throw protocolError("server-first-message demands an unsupported mandatory extension (m=)");
            }
            String nonce = attribute(attributes, 0, 'r');
            String salt = attribute(attributes, 1, 's');
            String iterations = attribute(attributes, 2, 'i');
            // Attributes after i= are extensions, which RFC 5802 says to ignore.

            if (!isPrintable(nonce) || nonce.length() <= clientNonce.length() || !nonce.startsWith(clientNonce)) {
                throw protocolError("server-first-message nonce does not extend the client nonce");
            }
            return new ServerFirst(nonce, base64(salt, "server-first-message salt"), positiveInt(iterations));
        }

        private static String attribute(String[] attributes, int index, char name) {
            String a = index < attributes.length ? attributes[index] : "";
            if (a.length() < 2 || a.charAt(0) != name || a.charAt(1) != '=') {
                throw protocolError("server-first-message lacks " + name + "= in position " + (index + 1));
            }
            return a.substring(2);
        }

        /** RFC 5802's posit-number, %x31-39 *DIGIT, that fits an int. */
        private static int positiveInt(String s) {
            boolean digits = !s.isEmpty() && s.length() <= 10 && s.charAt(0) != '0';
            for (int i = 0; digits && i < s.length(); i++) {
                digits = s.charAt(i) >= '0' && s.charAt(i) <= '9';
            }
            long value = digits ? Long.parseLong(s) : -1;
            if (value < 1 || value > Integer.MAX_VALUE) {
                throw protocolError("server-first-message iteration count is not a positive 32-bit integer");
            }
            return (int) value;
        }
    }

    /** Hi() of RFC 5802: PBKDF2 with HMAC-SHA-256 and one 32-byte block. */
    private static byte[] hi(byte[] password, byte[] salt, int iterations) {
        // Not SecretKeyFactory's PBKDF2WithHmacSHA256: it takes the password as char[] and encodes
        // it itself, while the raw fallback of SASLprep must hash exactly these bytes.
        Mac mac = mac(password);
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        try {
            for (int i = 1; i < iterations; i++) {
                mac.update(u);
                mac.doFinal(u, 0);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
        } catch (GeneralSecurityException e) {
            throw new InterfaceException("HMAC-SHA-256 failed", e);
        } finally {
            Arrays.fill(u, (byte) 0);
        }
        return result;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA_256);
            // SecretKeySpec rejects an empty key. HMAC zero-pads every key to the block size, so a
            // single zero byte is the same key as an empty password.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, HMAC_SHA_256));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new InterfaceException("SCRAM-SHA-256 needs HmacSHA256, which this JVM does not provide", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new InterfaceException("SCRAM-SHA-256 needs SHA-256, which this JVM does not provide", e);
        }
    }

    /** The AuthMessage: {@code a,b,c}. The server-first-message enters as the exact bytes received. */
    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = new byte[a.length + 1 + b.length + 1 + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        out[a.length] = ',';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        out[a.length + 1 + b.length] = ',';
        System.arraycopy(c, 0, out, a.length + b.length + 2, c.length);
        return out;
    }

    private static String decode(byte[] message, String what) {
        Objects.requireNonNull(message, what);
        try {
            // A fresh decoder reports malformed input instead of replacing it.
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(message)).toString();
        } catch (CharacterCodingException e) {
            throw protocolError(what + " is not valid UTF-8");
        }
    }

    /** Non-empty strict base64: padding required, which Java's decoder alone would not insist on. */
    private static byte[] base64(String s, String what) {
        if (!s.isEmpty() && s.length() % 4 == 0) {
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                // reported below, without Java's message, which quotes the offending character
            }
        }
        throw protocolError(what + " is empty or not valid base64");
    }

    /** Printable ASCII except ',': RFC 5802's nonce characters. */
    private static boolean isPrintable(String nonce) {
        if (nonce.isEmpty()) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    /** RFC 5802's saslname: '=' and ',' escaped. */
    private static String saslName(String user) {
        return user.replace("=", "=3D").replace(",", "=2C");
    }

    private static String newNonce() {
        byte[] raw = new byte[NONCE_BYTES];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static InterfaceException protocolError(String detail) {
        return new InterfaceException("protocol error: SCRAM " + detail);
    }
}
