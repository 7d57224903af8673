package dev.pgreen.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Md5PasswordTest {
    @Test
    void knownVector() {
        // md5("postgrespostgres") = 3175bce1d3201d16594cebf9d7eb3f9d, the value pg_authid stores.
        byte[] encoded = Md5Password.encode("postgres", "postgres", new byte[] {1, 2, 3, 4});

        assertEquals("md568be9ed08db75f318087ab337aaea044", new String(encoded, StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @CsvSource({
        "alice, secret, 00000000",
        "bob, '', ffffffff",
        "'', hunter2, 7f80017e",
        "j\u00fcrgen, p\u00e4ssw\u00f6rd, deadbeef",
    })
    void matchesIndependentComputation(String user, String password, String saltHex) throws Exception {
        byte[] salt = HexFormat.of().parseHex(saltHex);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        String inner = HexFormat.of().formatHex(md5.digest((password + user).getBytes(StandardCharsets.UTF_8)));
        byte[] innerAndSalt = new byte[32 + 4];
        System.arraycopy(inner.getBytes(StandardCharsets.US_ASCII), 0, innerAndSalt, 0, 32);
        System.arraycopy(salt, 0, innerAndSalt, 32, 4);
        String expected = "md5" + HexFormat.of().formatHex(md5.digest(innerAndSalt));

        byte[] encoded = Md5Password.encode(user, password, salt);

        assertEquals(expected, new String(encoded, StandardCharsets.US_ASCII));
        assertEquals(35, encoded.length);
    }

    @Test
    void saltMustHaveFourBytes() {
        assertThrows(IllegalArgumentException.class, () -> Md5Password.encode("u", "p", new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> Md5Password.encode("u", "p", new byte[5]));
        assertThrows(NullPointerException.class, () -> Md5Password.encode("u", "p", null));
    }
}
