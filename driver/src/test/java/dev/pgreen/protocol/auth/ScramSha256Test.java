package dev.pgreen.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramSha256Test {
    // RFC 7677 section 3.
    private static final String RFC_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String RFC_SERVER_NONCE = RFC_NONCE + "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String RFC_SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
    private static final String RFC_SERVER_FIRST = "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=4096";
    private static final String RFC_CLIENT_FINAL =
            "c=biws,r=" + RFC_SERVER_NONCE + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String RFC_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static final String PASSWORD = "pencil-Zq9#secret";

    @Test
    void rfc7677TestVector() {
        ScramSha256 scram = ScramSha256.withNonce("user", "pencil", RFC_NONCE);

        assertEquals("n,,n=user,r=" + RFC_NONCE, ascii(scram.clientFirstMessage()));
        assertEquals(RFC_CLIENT_FINAL, ascii(scram.clientFinalMessage(bytes(RFC_SERVER_FIRST))));
        assertDoesNotThrow(() -> scram.verifyServerFinal(bytes(RFC_SERVER_FINAL)));
    }

    @Test
    void productionClientFirstSendsEmptyUserAndRandomNonce() {
        String first = ascii(new ScramSha256("pencil").clientFirstMessage());
        String other = ascii(new ScramSha256("pencil").clientFirstMessage());

        assertTrue(first.matches("n,,n=,r=[A-Za-z0-9+/]{24}"), first);
        assertNotEquals(first, other);
    }

    @Test
    void withNonceDefaultsToEmptyUser() {
        assertEquals("n,,n=,r=abc", ascii(ScramSha256.withNonce("pencil", "abc").clientFirstMessage()));
    }

    @Test
    void userNameIsEscaped() {
        assertEquals("n,,n=a=3Db=2Cc,r=abc", ascii(ScramSha256.withNonce("a=b,c", "x", "abc").clientFirstMessage()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a,b", "a b", "caf\u00e9"})
    void invalidTestNonceIsRejected(String nonce) {
        assertThrows(IllegalArgumentException.class, () -> ScramSha256.withNonce("pencil", nonce));
    }

    @Test
    void fullExchangeAgainstIndependentServer() {
        FakeServer server = new FakeServer("pencil", "c2FsdHNhbHQ=", 4096);
        ScramSha256 scram = ScramSha256.withNonce("pencil", "clientnonce");

        String clientFirst = ascii(scram.clientFirstMessage());
        String serverFirst = server.first(clientFirst, "clientnonceSERVER");
        String clientFinal = ascii(scram.clientFinalMessage(bytes(serverFirst)));

        assertTrue(server.verifyProof(clientFirst, serverFirst, clientFinal));
        assertDoesNotThrow(() -> scram.verifyServerFinal(bytes(server.serverFinal(clientFirst, serverFirst, clientFinal))));
    }

    @Test
    void plusBindsTheExchangeToTheServerCertificateHash() {
        byte[] endPoint = FakeServer.hmac(bytes("key"), bytes("the server certificate"));
        FakeServer server = new FakeServer("pencil", "c2FsdHNhbHQ=", 4096);
        ScramSha256 scram = ScramSha256.plusWithNonce("pencil", "clientnonce", endPoint);
        assertEquals("SCRAM-SHA-256-PLUS", scram.mechanism());

        String clientFirst = ascii(scram.clientFirstMessage());
        assertEquals("p=tls-server-end-point,,n=,r=clientnonce", clientFirst);
        String serverFirst = server.first(clientFirst, "clientnonceSERVER");
        String clientFinal = ascii(scram.clientFinalMessage(bytes(serverFirst)));
        // c= carries the gs2 header and the binding data, which the server compares with its own certificate's hash.
        String binding = base64(concat(bytes("p=tls-server-end-point,,"), endPoint));
        assertTrue(clientFinal.startsWith("c=" + binding + ",r=clientnonceSERVER,p="), clientFinal);
        assertTrue(server.verifyProof(clientFirst, serverFirst, clientFinal), "the proof covers the binding");

        assertFalse(scram.isChannelBound(), "not before the server has proved itself");
        scram.verifyServerFinal(bytes(server.serverFinal(clientFirst, serverFirst, clientFinal)));
        assertTrue(scram.isChannelBound());
    }

    @Test
    void overTlsWithoutPlusOfferedTheClientSaysItCouldHaveBound() {
        ScramSha256 scram = ScramSha256.bindingNotOffered("pencil");
        assertEquals("SCRAM-SHA-256", scram.mechanism());
        String clientFirst = ascii(scram.clientFirstMessage());
        assertTrue(clientFirst.startsWith("y,,n=,r="), clientFirst);
        String nonce = clientFirst.substring("y,,n=,r=".length());
        FakeServer server = new FakeServer("pencil", "c2FsdA==", 2);
        String serverFirst = server.first(clientFirst, nonce + "S");
        String clientFinal = ascii(scram.clientFinalMessage(bytes(serverFirst)));
        assertTrue(clientFinal.startsWith("c=eSws,"), "base64(\"y,,\"): " + clientFinal);
        assertTrue(server.verifyProof(clientFirst, serverFirst, clientFinal));
        scram.verifyServerFinal(bytes(server.serverFinal(clientFirst, serverFirst, clientFinal)));
        assertFalse(scram.isChannelBound());
        assertEquals("SCRAM-SHA-256", new ScramSha256("x").mechanism());
    }

    @Test
    void passwordIsSaslPreppedBeforeHashing() {
        // The server stored the verifier of "pencil"; SOFT HYPHEN maps to nothing.
        FakeServer server = new FakeServer("pencil", "c2FsdA==", 1);
        ScramSha256 scram = ScramSha256.withNonce("pen\u00adcil", "n");

        String clientFirst = ascii(scram.clientFirstMessage());
        String serverFirst = server.first(clientFirst, "nX");
        String clientFinal = ascii(scram.clientFinalMessage(bytes(serverFirst)));

        assertTrue(server.verifyProof(clientFirst, serverFirst, clientFinal));
    }

    @Test
    void unpreparablePasswordIsHashedRaw() {
        String raw = "\u0627a"; // RandALCat then LCat: SASLprep fails, PostgreSQL hashes the raw bytes
        FakeServer server = new FakeServer(raw, "c2FsdA==", 2);
        ScramSha256 scram = ScramSha256.withNonce(raw, "n");

        String clientFirst = ascii(scram.clientFirstMessage());
        String serverFirst = server.first(clientFirst, "nX");
        String clientFinal = ascii(scram.clientFinalMessage(bytes(serverFirst)));

        assertTrue(server.verifyProof(clientFirst, serverFirst, clientFinal));
    }

    @Test
    void emptyPasswordWorks() {
        // Checked against a hand-rolled HMAC: SecretKeySpec refuses empty keys.
        ScramSha256 scram = ScramSha256.withNonce("", "n");
        scram.clientFirstMessage();
        String serverFirst = "r=nX,s=c2FsdA==,i=1";
        String clientFinal = ascii(scram.clientFinalMessage(bytes(serverFirst)));

        byte[] salted = FakeServer.hmacPadded(new byte[0], concat(bytes("salt"), new byte[] {0, 0, 0, 1}));
        byte[] clientKey = FakeServer.hmac(salted, bytes("Client Key"));
        byte[] authMessage = bytes("n=,r=n," + serverFirst + ",c=biws,r=nX");
        byte[] signature = FakeServer.hmac(FakeServer.sha256(clientKey), authMessage);
        assertEquals("c=biws,r=nX,p=" + base64(xor(clientKey, signature)), clientFinal);
    }

    @Test
    void extensionsAfterIterationCountAreIgnored() {
        ScramSha256 scram = ScramSha256.withNonce("user", "pencil", RFC_NONCE);
        scram.clientFirstMessage();

        String clientFinal = ascii(scram.clientFinalMessage(bytes(RFC_SERVER_FIRST + ",x=future")));

        assertTrue(clientFinal.startsWith("c=biws,r=" + RFC_SERVER_NONCE + ",p="), clientFinal);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        ",",
        "s=" + RFC_SALT + ",i=4096",                                       // missing r=
        "r=" + RFC_SERVER_NONCE + ",i=4096",                                 // missing s=
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT,                          // missing i=
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",",                    // empty attribute
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i",                   // truncated
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=",                  // truncated
        "r=" + RFC_SERVER_NONCE + ",s=W22ZaJ0SNY7soEsU",                     // truncated
        "r=" + RFC_SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6",                 // truncated salt, no i=
        "r=rOpr",                                                            // truncated nonce
        "i=4096,r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT,                   // wrong order
        "r=XOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=" + RFC_SALT + ",i=4096", // not our nonce
        "r=" + RFC_NONCE + ",s=" + RFC_SALT + ",i=4096",                     // nonce not extended
        "r=" + RFC_NONCE + "\u00e9,s=" + RFC_SALT + ",i=4096",               // nonce not printable ASCII
        "r=" + RFC_SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6g,i=4096",         // base64 without padding
        "r=" + RFC_SERVER_NONCE + ",s=W22ZaJ0S*Y7soEsUEjb6gQ==,i=4096",      // base64 alphabet
        "r=" + RFC_SERVER_NONCE + ",s=,i=4096",                              // empty salt
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=0",
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=-1",
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=+4096",
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=04096",
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=abc",
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=4096x",
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=2147483648",
        "r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=99999999999",
        "m=ext,r=" + RFC_SERVER_NONCE + ",s=" + RFC_SALT + ",i=4096",        // mandatory extension
    })
    void malformedServerFirstIsProtocolError(String serverFirst) {
        ScramSha256 scram = ScramSha256.withNonce("user", PASSWORD, RFC_NONCE);
        scram.clientFirstMessage();

        InterfaceException e = assertThrows(InterfaceException.class, () -> scram.clientFinalMessage(bytes(serverFirst)));

        assertTrue(e.getMessage().startsWith("protocol error: SCRAM server-first-message"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
        assertFailedForGood(scram);
    }

    @Test
    void mandatoryExtensionIsNamed() {
        ScramSha256 scram = ScramSha256.withNonce("pencil", "abc");
        scram.clientFirstMessage();

        InterfaceException e = assertThrows(InterfaceException.class,
                () -> scram.clientFinalMessage(bytes("m=x,r=abcd,s=c2FsdA==,i=1")));

        assertTrue(e.getMessage().contains("m="), e.getMessage());
    }

    @Test
    void invalidUtf8ServerFirstIsProtocolError() {
        ScramSha256 scram = ScramSha256.withNonce("pencil", "abc");
        scram.clientFirstMessage();

        byte[] message = {'r', '=', 'a', 'b', 'c', 'd', (byte) 0xC3, ',', 's', '=', 'c', '2', 'F', 's', 'd', 'A', '=', '=', ',', 'i', '=', '1'};
        InterfaceException e = assertThrows(InterfaceException.class, () -> scram.clientFinalMessage(message));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void wrongServerSignatureIsOperationalError() {
        ScramSha256 scram = rfcExchangeAwaitingFinal();
        String wrong = "v=" + base64(new byte[32]);

        OperationalException e = assertThrows(OperationalException.class, () -> scram.verifyServerFinal(bytes(wrong)));

        assertTrue(e.getMessage().contains("server signature does not match"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
        assertFailedForGood(scram);
    }

    @Test
    void truncatedServerSignatureIsOperationalError() {
        ScramSha256 scram = rfcExchangeAwaitingFinal();

        assertThrows(OperationalException.class, () -> scram.verifyServerFinal(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5n")));
    }

    @Test
    void serverFinalExtensionsAreIgnored() {
        ScramSha256 scram = ScramSha256.withNonce("user", "pencil", RFC_NONCE);
        scram.clientFirstMessage();
        scram.clientFinalMessage(bytes(RFC_SERVER_FIRST));

        assertDoesNotThrow(() -> scram.verifyServerFinal(bytes(RFC_SERVER_FINAL + ",x=future")));
    }

    @Test
    void serverErrorIsOperationalErrorNamingIt() {
        ScramSha256 scram = rfcExchangeAwaitingFinal();

        OperationalException e = assertThrows(OperationalException.class,
                () -> scram.verifyServerFinal(bytes("e=invalid-proof")));

        assertTrue(e.getMessage().contains("invalid-proof"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
        assertFailedForGood(scram);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x=abc", "v", "v=", "v=!!!!", "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4", "V=" + "AAAA"})
    void malformedServerFinalIsProtocolError(String serverFinal) {
        ScramSha256 scram = rfcExchangeAwaitingFinal();

        InterfaceException e = assertThrows(InterfaceException.class, () -> scram.verifyServerFinal(bytes(serverFinal)));

        assertTrue(e.getMessage().startsWith("protocol error: SCRAM server-final-message"), e.getMessage());
        assertFailedForGood(scram);
    }

    @Test
    void callsOutOfOrderAreInterfaceErrors() {
        ScramSha256 fresh = ScramSha256.withNonce("pencil", "abc");
        assertThrows(InterfaceException.class, () -> fresh.clientFinalMessage(bytes("r=abcd,s=c2FsdA==,i=1")));

        ScramSha256 notStarted = ScramSha256.withNonce("pencil", "abc");
        assertThrows(InterfaceException.class, () -> notStarted.verifyServerFinal(bytes(RFC_SERVER_FINAL)));

        ScramSha256 firstSent = ScramSha256.withNonce("pencil", "abc");
        firstSent.clientFirstMessage();
        assertThrows(InterfaceException.class, firstSent::clientFirstMessage);
        assertThrows(InterfaceException.class, () -> firstSent.verifyServerFinal(bytes(RFC_SERVER_FINAL)));

        ScramSha256 finalSent = rfcExchangeAwaitingFinal();
        assertThrows(InterfaceException.class, () -> finalSent.clientFinalMessage(bytes(RFC_SERVER_FIRST)));
        assertThrows(InterfaceException.class, finalSent::clientFirstMessage);

        ScramSha256 done = ScramSha256.withNonce("user", "pencil", RFC_NONCE);
        done.clientFirstMessage();
        done.clientFinalMessage(bytes(RFC_SERVER_FIRST));
        done.verifyServerFinal(bytes(RFC_SERVER_FINAL));
        InterfaceException e = assertThrows(InterfaceException.class, () -> done.verifyServerFinal(bytes(RFC_SERVER_FINAL)));
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
    }

    @Test
    void outOfOrderCallDoesNotDisturbTheExchange() {
        // The guard throws before touching the state: a stray call is reported, the exchange goes on.
        ScramSha256 scram = ScramSha256.withNonce("user", "pencil", RFC_NONCE);
        scram.clientFirstMessage();
        assertThrows(InterfaceException.class, scram::clientFirstMessage);

        assertEquals(RFC_CLIENT_FINAL, ascii(scram.clientFinalMessage(bytes(RFC_SERVER_FIRST))));
    }

    @Test
    void supportedLooksForPlainScramSha256() {
        assertTrue(ScramSha256.supported(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")));
        assertTrue(ScramSha256.supported(List.of("SCRAM-SHA-256")));
        assertFalse(ScramSha256.supported(List.of("SCRAM-SHA-256-PLUS")));
        assertFalse(ScramSha256.supported(List.of("scram-sha-256")));
        assertFalse(ScramSha256.supported(List.of()));
        assertEquals("SCRAM-SHA-256", ScramSha256.MECHANISM);
    }

    private static ScramSha256 rfcExchangeAwaitingFinal() {
        ScramSha256 scram = ScramSha256.withNonce("user", PASSWORD, RFC_NONCE);
        scram.clientFirstMessage();
        scram.clientFinalMessage(bytes(RFC_SERVER_FIRST));
        return scram;
    }

    private static void assertFailedForGood(ScramSha256 scram) {
        PgException e = assertThrows(InterfaceException.class, () -> scram.verifyServerFinal(bytes(RFC_SERVER_FINAL)));
        assertTrue(e.getMessage().contains("failed"), e.getMessage());
    }

    /**
     * The server's side, computed independently of the client: it takes the password as stored
     * (already prepared, or raw) and salts it with the JDK's PBKDF2WithHmacSHA256, not the
     * client's HMAC loop.
     */
    private static final class FakeServer {
        private final String salt;
        private final int iterations;
        private final byte[] storedKey;
        private final byte[] serverKey;

        FakeServer(String password, String salt, int iterations) {
            this.salt = salt;
            this.iterations = iterations;
            byte[] salted = pbkdf2(password, Base64.getDecoder().decode(salt), iterations);
            this.storedKey = sha256(hmac(salted, bytes("Client Key")));
            this.serverKey = hmac(salted, bytes("Server Key"));
        }

        String first(String clientFirst, String serverNonce) {
            assertTrue(clientFirst.matches("(n|y|p=tls-server-end-point),,n=,r=.*"), clientFirst);
            return "r=" + serverNonce + ",s=" + salt + ",i=" + iterations;
        }

        boolean verifyProof(String clientFirst, String serverFirst, String clientFinal) {
            int p = clientFinal.lastIndexOf(",p=");
            byte[] proof = Base64.getDecoder().decode(clientFinal.substring(p + 3));
            byte[] signature = hmac(storedKey, authMessage(clientFirst, serverFirst, clientFinal));
            byte[] clientKey = xor(proof, signature);
            return MessageDigest.isEqual(storedKey, sha256(clientKey));
        }

        String serverFinal(String clientFirst, String serverFirst, String clientFinal) {
            return "v=" + base64(hmac(serverKey, authMessage(clientFirst, serverFirst, clientFinal)));
        }

        private static byte[] authMessage(String clientFirst, String serverFirst, String clientFinal) {
            String bare = clientFirst.substring(clientFirst.indexOf(",,") + 2);
            String withoutProof = clientFinal.substring(0, clientFinal.lastIndexOf(",p="));
            return bytes(bare + "," + serverFirst + "," + withoutProof);
        }

        /** The salted password of the already prepared {@code password}; SunJCE hashes its UTF-8. */
        private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                        .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
                        .getEncoded();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        static byte[] hmac(byte[] key, byte[] data) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(data);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        /** HMAC-SHA-256 by its RFC 2104 definition, for keys SecretKeySpec refuses. */
        static byte[] hmacPadded(byte[] key, byte[] data) {
            byte[] ipad = new byte[64];
            byte[] opad = new byte[64];
            for (int i = 0; i < 64; i++) {
                byte k = i < key.length ? key[i] : 0;
                ipad[i] = (byte) (k ^ 0x36);
                opad[i] = (byte) (k ^ 0x5c);
            }
            return sha256(concat(opad, sha256(concat(ipad, data))));
        }

        static byte[] sha256(byte[] data) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(data);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void fakeServerHmacPaddedAgreesWithMac() {
        byte[] key = bytes("key");
        assertArrayEquals(FakeServer.hmac(key, bytes("data")), FakeServer.hmacPadded(key, bytes("data")));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
