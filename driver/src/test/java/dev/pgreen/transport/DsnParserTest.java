package dev.pgreen.transport;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.ProgrammingException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DsnParserTest {

    /** An ordered map from alternating keys and values. */
    private static Map<String, String> map(String... keysAndValues) {
        var map = new LinkedHashMap<String, String>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static Stream<Arguments> keywordValueDsns() {
        return Stream.of(
                Arguments.of("", map()),
                Arguments.of(" \t\n ", map()),
                Arguments.of("host=localhost port=5432 dbname=test",
                        map("host", "localhost", "port", "5432", "dbname", "test")),
                Arguments.of("host = localhost  port= 5432\tdbname =test",
                        map("host", "localhost", "port", "5432", "dbname", "test")),
                Arguments.of("password='s3 cr\\'et\\\\' user=bob",
                        map("password", "s3 cr'et\\", "user", "bob")),
                Arguments.of("application_name=a\\ b\\'c", map("application_name", "a b'c")),
                Arguments.of("dbname=''", map("dbname", "")),
                Arguments.of("host=", map("host", "")),
                Arguments.of("options='-c search_path=x,y'", map("options", "-c search_path=x,y")),
                Arguments.of("dbname=a=b", map("dbname", "a=b")),
                Arguments.of("user='x'dbname=y", map("user", "x", "dbname", "y")),
                Arguments.of("host=a port=1 host=b", map("host", "b", "port", "1")),
                Arguments.of("host=h1,h2 port=5432,", map("host", "h1,h2", "port", "5432,")),
                Arguments.of("connect_timeout=-1", map("connect_timeout", "-1")),
                Arguments.of("dbname='caf\u00e9'", map("dbname", "caf\u00e9")));
    }

    @ParameterizedTest
    @MethodSource("keywordValueDsns")
    void parsesKeywordValue(String dsn, Map<String, String> expected) {
        var params = DsnParser.parse(dsn);
        assertEquals(expected, params);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(params.keySet()), "insertion order");
    }

    static Stream<Arguments> uris() {
        return Stream.of(
                Arguments.of("postgresql://", map()),
                Arguments.of("postgres://localhost", map("host", "localhost")),
                Arguments.of("postgresql://bob:s3cret@db.example:5433/shop?sslmode=require&application_name=app",
                        map("user", "bob", "password", "s3cret", "host", "db.example", "port", "5433",
                                "dbname", "shop", "sslmode", "require", "application_name", "app")),
                Arguments.of("postgresql://b%40b:p%40ss%3Aw%2F@host/d%20b",
                        map("user", "b@b", "password", "p@ss:w/", "host", "host", "dbname", "d b")),
                Arguments.of("postgresql://bob:p:w@host", map("user", "bob", "password", "p:w", "host", "host")),
                Arguments.of("postgresql://bob:p@ss@host", map("user", "bob", "password", "p@ss", "host", "host")),
                Arguments.of("postgresql://bob@", map("user", "bob")),
                Arguments.of("postgresql://:pw@host", map("password", "pw", "host", "host")),
                Arguments.of("postgresql://[::1]:5433/db", map("host", "::1", "port", "5433", "dbname", "db")),
                Arguments.of("postgresql://[2001:db8::1]/db", map("host", "2001:db8::1", "dbname", "db")),
                Arguments.of("postgresql://%2Ftmp/db", map("host", "/tmp", "dbname", "db")),
                Arguments.of("postgresql://%2Fvar%2Frun%2Fpostgresql:5433",
                        map("host", "/var/run/postgresql", "port", "5433")),
                Arguments.of("postgresql:///db?host=/tmp&port=5433",
                        map("dbname", "db", "host", "/tmp", "port", "5433")),
                Arguments.of("postgresql:///db?host=%2Ftmp", map("dbname", "db", "host", "/tmp")),
                Arguments.of("postgresql://h1:5432,h2:5433/db",
                        map("host", "h1,h2", "port", "5432,5433", "dbname", "db")),
                Arguments.of("postgresql://h1,[::1]:5433/db",
                        map("host", "h1,::1", "port", ",5433", "dbname", "db")),
                Arguments.of("postgresql://:5433", map("port", "5433")),
                Arguments.of("postgresql://host/", map("host", "host")),
                Arguments.of("postgresql://host?dbname=x", map("host", "host", "dbname", "x")),
                Arguments.of("postgresql://host/db?ssl=true", map("host", "host", "dbname", "db", "sslmode", "require")),
                Arguments.of("postgresql://host?application_name=caf%C3%A9+x",
                        map("host", "host", "application_name", "caf\u00e9+x")),
                Arguments.of("postgresql://host?&connect_timeout=10&&",
                        map("host", "host", "connect_timeout", "10")),
                Arguments.of("postgresql://host?options=-c%20x%3Dy",
                        map("host", "host", "options", "-c x=y")),
                Arguments.of("  postgresql://host/db  ", map("host", "host", "dbname", "db")));
    }

    @ParameterizedTest
    @MethodSource("uris")
    void parsesUri(String dsn, Map<String, String> expected) {
        var params = DsnParser.parse(dsn);
        assertEquals(expected, params);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(params.keySet()), "insertion order");
    }

    /** A bad DSN, a fragment its message must contain, and secrets it must not contain. */
    static Stream<Arguments> badDsns() {
        return Stream.of(
                Arguments.of("host", "missing \"=\" after \"host\"", List.of()),
                Arguments.of("host=a dbname", "missing \"=\" after \"dbname\"", List.of()),
                Arguments.of("host=a dbname x=1", "missing \"=\" after \"dbname\"", List.of()),
                Arguments.of("mydb", "missing \"=\" after \"mydb\"", List.of()),
                Arguments.of("password='s3cret", "unterminated quoted string", List.of("s3cret")),
                Arguments.of("password='s3cret\\", "unterminated quoted string", List.of("s3cret")),
                Arguments.of("host='a b", "unterminated quoted string", List.of()),
                Arguments.of("xyz=1", "invalid connection option \"xyz\"", List.of()),
                Arguments.of("host=a Port=5432", "invalid connection option \"Port\"", List.of()),
                Arguments.of("=5", "invalid connection option \"\"", List.of()),
                Arguments.of("port=abc", "invalid port number: \"abc\"", List.of()),
                Arguments.of("port=0", "invalid port number: \"0\"", List.of()),
                Arguments.of("port=65536", "invalid port number: \"65536\"", List.of()),
                Arguments.of("port=-1", "invalid port number: \"-1\"", List.of()),
                Arguments.of("port=5432,x9", "invalid port number: \"x9\"", List.of()),
                Arguments.of("connect_timeout=ten", "invalid integer value \"ten\" for connection option \"connect_timeout\"", List.of()),
                Arguments.of("connect_timeout=99999999999", "\"99999999999\"", List.of()),
                Arguments.of("connect_timeout=1.5", "\"1.5\"", List.of()),
                // An unquoted password with a space: the rest must not be echoed as a "key".
                Arguments.of("password=pa55 w0rd dbname=x", "missing \"=\" after the password value", List.of("pa55", "w0rd")),
                Arguments.of("password=pa55 w0rd=x", "invalid connection option after the password value", List.of("pa55", "w0rd")),
                Arguments.of("postgresql://host:abc/db", "invalid port number: \"abc\"", List.of()),
                Arguments.of("postgresql://host:70000", "invalid port number: \"70000\"", List.of()),
                Arguments.of("postgresql://h1:1,h2:x/db", "invalid port number: \"x\"", List.of()),
                Arguments.of("postgresql://host?port=0", "invalid port number: \"0\"", List.of()),
                Arguments.of("postgresql://host?connect_timeout=x", "invalid integer value \"x\"", List.of()),
                Arguments.of("postgresql://h%zzst/db", "invalid percent-encoded token \"%zz\" in URI host", List.of()),
                Arguments.of("postgresql://host/db%2", "invalid percent-encoded token \"%2\" in URI database name", List.of()),
                Arguments.of("postgresql://b%g1b@host", "\"%g1\" in URI user", List.of()),
                Arguments.of("postgresql://host?sslmode=re%q", "\"%q\" in URI query parameter \"sslmode\"", List.of()),
                Arguments.of("postgresql://host/%C3%28", "not UTF-8 in URI database name", List.of()),
                Arguments.of("postgresql://host/a%00b", "forbidden value %00 in URI database name", List.of()),
                Arguments.of("postgresql://u:s3%zzcret@host", "invalid percent-encoded token in the password", List.of("s3", "cret", "%zz")),
                Arguments.of("postgresql://u:s3cret%00@host", "forbidden value %00 in the password", List.of("s3cret")),
                Arguments.of("postgresql://host?password=s3cr%zz", "invalid percent-encoded token in the password", List.of("s3cr", "%zz")),
                Arguments.of("postgresql://[::1/db", "missing \"]\" after IPv6 host address \"[::1\"", List.of()),
                Arguments.of("postgresql://[]/db", "empty IPv6 host address \"[]\"", List.of()),
                Arguments.of("postgresql://[::1]x/db", "unexpected character \"x\" after IPv6 host address \"[::1]\"", List.of()),
                Arguments.of("postgresql://u:s3cret@[::1/db", "\"[::1\"", List.of("s3cret")),
                Arguments.of("postgresql://host?xyz=1", "invalid URI query parameter \"xyz\"", List.of()),
                Arguments.of("postgresql://host?ssl=false", "invalid URI query parameter \"ssl\"", List.of()),
                Arguments.of("postgresql://host?sslmode", "missing \"=\" in URI query parameter \"sslmode\"", List.of()),
                Arguments.of("postgresql://host?sslmode=a=b", "extra \"=\" in URI query parameter \"sslmode\"", List.of()),
                Arguments.of("postgresql://host?password=pw=xq7", "extra \"=\" in URI query parameter \"password\"", List.of("xq7")),
                // An unescaped '&' in a password: the piece after it must not be echoed.
                Arguments.of("postgresql://host?password=s3cr&x9z", "after the password", List.of("s3cr", "x9z")),
                Arguments.of("postgresql://host?password=s3cr&x9z=1", "after the password", List.of("s3cr", "x9z")));
    }

    @ParameterizedTest
    @MethodSource("badDsns")
    void rejectsBadDsn(String dsn, String fragment, List<String> secrets) {
        var e = assertThrows(ProgrammingException.class, () -> DsnParser.parse(dsn));
        String message = e.getMessage();
        assertTrue(message.startsWith("invalid dsn: "), message);
        assertTrue(message.contains(fragment), () -> "expected \"" + fragment + "\" in: " + message);
        for (String secret : secrets) {
            assertFalse(message.contains(secret), () -> "password text \"" + secret + "\" leaked: " + message);
        }
        // maskPassword parses the same way, so it fails the same way.
        var masked = assertThrows(ProgrammingException.class, () -> DsnParser.maskPassword(dsn));
        assertEquals(message, masked.getMessage());
    }

    static Stream<Arguments> maskedDsns() {
        return Stream.of(
                Arguments.of("host=a dbname=b", "host=a dbname=b"),
                Arguments.of("", ""),
                Arguments.of("host=a password=s3cret dbname=b", "host=a password=xxx dbname=b"),
                Arguments.of("password = 's3 cr\\'et' user=u", "password = xxx user=u"),
                Arguments.of("password=s3\\ cret", "password=xxx"),
                Arguments.of("password=a1 host=h password=b2", "password=xxx host=h password=xxx"),
                Arguments.of("postgresql://u:s3cret@host/db", "postgresql://u:xxx@host/db"),
                Arguments.of("postgresql://u:s%40cret@host/db?password=x2&sslmode=require",
                        "postgresql://u:xxx@host/db?password=xxx&sslmode=require"),
                Arguments.of("postgresql://u@host/db", "postgresql://u@host/db"),
                Arguments.of("postgres://u:p@ss@host", "postgres://u:xxx@host"));
    }

    @ParameterizedTest
    @MethodSource("maskedDsns")
    void masksPassword(String dsn, String expected) {
        assertEquals(expected, DsnParser.maskPassword(dsn));
    }

    @Test
    void toMaskedDsnQuotesWhatNeedsQuotingAndRoundTrips() {
        var params = map("host", "h", "dbname", "my db", "application_name", "it's",
                "sslrootcert", "c:\\certs\\root.crt", "options", "", "user", "u=v");
        String dsn = DsnParser.toMaskedDsn(params);
        assertEquals("host=h dbname='my db' application_name='it\\'s' "
                + "sslrootcert='c:\\\\certs\\\\root.crt' options='' user=u=v", dsn);
        assertEquals(params, DsnParser.parse(dsn));
    }

    @Test
    void toMaskedDsnHidesPassword() {
        String dsn = DsnParser.toMaskedDsn(map("user", "u", "password", "s3 cret"));
        assertEquals("user=u password=xxx", dsn);
    }

    @Test
    void checkParameterAcceptsEveryLibpqKeyword() {
        assertEquals(40, DsnParser.KEYWORDS.size());
        for (String key : DsnParser.KEYWORDS) {
            assertDoesNotThrow(() -> DsnParser.checkParameter(key, null), key);
            assertDoesNotThrow(() -> DsnParser.parse(key + "=''"), key);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "HOST", "database", ""})
    void checkParameterRejectsUnknownKey(String key) {
        var e = assertThrows(ProgrammingException.class, () -> DsnParser.checkParameter(key, "1"));
        assertTrue(e.getMessage().contains("invalid connection option \"" + key + "\""), e.getMessage());
    }

    @Test
    void checkParameterChecksPortAndTimeoutValues() {
        assertDoesNotThrow(() -> DsnParser.checkParameter("port", "5433"));
        assertDoesNotThrow(() -> DsnParser.checkParameter("connect_timeout", "5"));
        var port = assertThrows(ProgrammingException.class, () -> DsnParser.checkParameter("port", "x1"));
        assertTrue(port.getMessage().contains("\"x1\""), port.getMessage());
        var timeout = assertThrows(ProgrammingException.class,
                () -> DsnParser.checkParameter("connect_timeout", "soon"));
        assertTrue(timeout.getMessage().contains("\"soon\""), timeout.getMessage());
    }
}
