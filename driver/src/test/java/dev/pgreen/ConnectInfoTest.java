package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.transport.ConnectSettings;
import dev.pgreen.transport.HostSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectInfoTest {

    private static final String SECRET = "s3cr3t-Pw";

    @Test
    void ofParsesAndKeepsTheCallersParametersInOrder() {
        var info = ConnectInfo.of("dbname=shop host=db port=5433", true);
        assertEquals(List.of("dbname", "host", "port"), List.copyOf(info.params().keySet()));
        assertEquals(Map.of("dbname", "shop", "host", "db", "port", "5433"), info.params());
        assertTrue(info.async());
        assertFalse(ConnectInfo.of("", false).async());
        assertTrue(ConnectInfo.of("", false).params().isEmpty());
    }

    @Test
    void paramsAreUnmodifiable() {
        var info = ConnectInfo.of("host=db", false);
        assertThrows(UnsupportedOperationException.class, () -> info.params().put("port", "1"));
    }

    @Test
    void parseErrorsPropagate() {
        var e = assertThrows(ProgrammingException.class, () -> ConnectInfo.of("host=db xyz=1", false));
        assertTrue(e.getMessage().startsWith("invalid dsn: "), e.getMessage());
        assertTrue(e.getMessage().contains("\"xyz\""), e.getMessage());
    }

    static Stream<Arguments> dsnsWithPasswords() {
        return Stream.of(
                Arguments.of("host=db password=" + SECRET + " user=u", "host=db password=xxx user=u"),
                Arguments.of("password='" + SECRET + " x' user=u", "password=xxx user=u"),
                Arguments.of("postgresql://u:" + SECRET + "@db/shop", "postgresql://u:xxx@db/shop"),
                Arguments.of("postgresql://u@db/shop?password=" + SECRET, "postgresql://u@db/shop?password=xxx"));
    }

    @ParameterizedTest
    @MethodSource("dsnsWithPasswords")
    void dsnAndToStringMaskThePassword(String dsn, String masked) {
        var info = ConnectInfo.of(dsn, false);
        assertEquals(masked, info.dsn());
        assertEquals(masked, info.toString());
        assertFalse(info.toString().contains(SECRET));
        assertTrue(info.params().get("password").startsWith(SECRET), "params keep the real password");
    }

    @Test
    void withAddsAParameterAndRerendersTheDsn() {
        var info = ConnectInfo.of("postgresql://u:" + SECRET + "@db/shop", false);
        var copy = info.with("replication", "database");
        assertEquals("database", copy.params().get("replication"));
        assertEquals("user=u password=xxx host=db dbname=shop replication=database", copy.dsn());
        assertFalse(copy.toString().contains(SECRET));
        assertEquals(SECRET, copy.params().get("password"));
        assertNull(info.params().get("replication"), "the original is unchanged");
        assertEquals("postgresql://u:xxx@db/shop", info.dsn());
    }

    @Test
    void withReplacesInPlaceQuotesAndRemoves() {
        var info = ConnectInfo.of("host=db application_name=a port=5432", true);
        var renamed = info.with("application_name", "my app's");
        assertEquals("host=db application_name='my app\\'s' port=5432", renamed.dsn());
        assertEquals("my app's", ConnectInfo.of(renamed.dsn(), true).params().get("application_name"));
        assertTrue(renamed.async());
        assertEquals("host=db port=5432", info.with("application_name", null).dsn());
        assertEquals("host=db application_name=a port=5432 password=xxx",
                info.with("password", SECRET).dsn());
    }

    @Test
    void withValidatesLikeTheParser() {
        var info = ConnectInfo.of("host=db", false);
        var key = assertThrows(ProgrammingException.class, () -> info.with("xyz", "1"));
        assertTrue(key.getMessage().contains("\"xyz\""), key.getMessage());
        var port = assertThrows(ProgrammingException.class, () -> info.with("port", "http"));
        assertTrue(port.getMessage().contains("\"http\""), port.getMessage());
        var timeout = assertThrows(ProgrammingException.class, () -> info.with("connect_timeout", "1s"));
        assertTrue(timeout.getMessage().contains("\"1s\""), timeout.getMessage());
        var negative = assertThrows(ProgrammingException.class, () -> info.with("connect_timeout", "-5"));
        assertTrue(negative.getMessage().contains("\"-5\" for connection option \"connect_timeout\""),
                negative.getMessage());
        var attrs = assertThrows(ProgrammingException.class, () -> info.with("target_session_attrs", "bogus"));
        assertTrue(attrs.getMessage().contains("target_session_attrs value: \"bogus\""), attrs.getMessage());
    }

    @Test
    void equalsAndHashCodeUseParamsAndAsync() {
        var a = ConnectInfo.of("host=db port=5432", false);
        var b = ConnectInfo.of("postgresql://db:5432", false);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, ConnectInfo.of("host=db port=5432", true));
        assertNotEquals(a, ConnectInfo.of("host=db port=5433", false));
        assertEquals(a, ConnectInfo.of("host=db", false).with("port", "5432"));
    }

    @Nested
    class Settings {

        private static ConnectSettings resolve(String dsn, Map<String, String> env) {
            return ConnectInfo.of(dsn, false).settings(env);
        }

        @Test
        void defaultsAreLibpqs() {
            var s = resolve("", Map.of());
            String expectedHost = Files.isDirectory(Path.of("/var/run/postgresql")) ? "/var/run/postgresql" : "localhost";
            assertEquals(expectedHost, s.host());
            assertEquals(5432, s.port());
            assertEquals(System.getProperty("user.name"), s.user());
            assertEquals(s.user(), s.database());
            assertNull(s.password());
            assertNull(s.connectTimeout());
            assertEquals("prefer", s.sslmode());
            assertNull(s.replication());
        }

        @Test
        void environmentFillsWhatTheDsnLeavesOut() {
            var env = Map.of("PGHOST", "env-host", "PGPORT", "6543", "PGUSER", "alice",
                    "PGDATABASE", "shop", "PGPASSWORD", SECRET, "PGAPPNAME", "env-app",
                    "PGCONNECT_TIMEOUT", "10", "PGOPTIONS", "-c work_mem=64MB",
                    "PGSSLMODE", "require", "PGCLIENTENCODING", "utf-8");
            var s = resolve("", env);
            assertEquals("env-host", s.host());
            assertEquals(6543, s.port());
            assertEquals("alice", s.user());
            assertEquals("shop", s.database());
            assertEquals(SECRET, s.password());
            assertEquals(Duration.ofSeconds(10), s.connectTimeout());
            assertEquals("require", s.sslmode());
            assertEquals("env-app", s.startupParameters().get("application_name"));
            assertEquals("-c work_mem=64MB", s.startupParameters().get("options"));
        }

        @Test
        void dsnWinsOverEnvironment() {
            var env = Map.of("PGHOST", "env-host", "PGPORT", "6543", "PGUSER", "alice",
                    "PGDATABASE", "shop", "PGPASSWORD", "env-pw", "PGSSLMODE", "require");
            var s = resolve("host=db port=5433 user=bob dbname=orders password=" + SECRET + " sslmode=disable", env);
            assertEquals("db", s.host());
            assertEquals(5433, s.port());
            assertEquals("bob", s.user());
            assertEquals("orders", s.database());
            assertEquals(SECRET, s.password());
            assertEquals("disable", s.sslmode());
        }

        @Test
        void anEmptyParameterHidesTheEnvironmentAndMeansTheDefault() {
            var s = resolve("port='' password=''", Map.of("PGPORT", "6543", "PGPASSWORD", "env-pw"));
            assertEquals(5432, s.port());
            assertNull(s.password());
        }

        @Test
        void databaseDefaultsToTheResolvedUser() {
            assertEquals("alice", resolve("", Map.of("PGUSER", "alice")).database());
            assertEquals("bob", resolve("user=bob", Map.of("PGUSER", "alice")).database());
        }

        @Test
        void unixSocket() {
            var s = resolve("host=/tmp port=5433", Map.of());
            assertTrue(s.isUnixSocket());
            assertEquals(Path.of("/tmp/.s.PGSQL.5433"), s.unixSocketPath());
            var uri = resolve("postgresql://%2Fvar%2Frun%2Fpostgresql/db", Map.of());
            assertEquals(Path.of("/var/run/postgresql/.s.PGSQL.5432"), uri.unixSocketPath());
            var tcp = resolve("host=db", Map.of());
            assertFalse(tcp.isUnixSocket());
            assertNull(tcp.unixSocketPath());
        }

        @Test
        void hostaddrIsTheAddressToConnectTo() {
            var s = resolve("host=db.example hostaddr=10.0.0.7", Map.of("PGHOST", "/tmp"));
            assertEquals("10.0.0.7", s.host());
            assertEquals("db.example", s.hostName());
            assertFalse(s.isUnixSocket());
            var bare = resolve("hostaddr=10.0.0.7", Map.of());
            assertEquals("10.0.0.7", bare.host());
            assertNull(bare.hostName());
        }

        @Test
        void everyHostIsKeptWithItsPort() {
            var s = resolve("postgresql://h1:5433,h2:5434/db", Map.of());
            assertEquals(List.of(new HostSpec("h1", null, 5433), new HostSpec("h2", null, 5434)), s.hosts());
            var defaultPort = resolve("postgresql://h1,h2:5434/db", Map.of());
            assertEquals(List.of(new HostSpec("h1", null, 5432), new HostSpec("h2", null, 5434)), defaultPort.hosts());
            var oneForAll = resolve("host=h1,h2,h3 port=6000", Map.of());
            assertEquals(List.of(6000, 6000, 6000), oneForAll.hosts().stream().map(HostSpec::port).toList());
        }

        @ParameterizedTest(name = "connect_timeout={0} -> {1}")
        @CsvSource(nullValues = "none", value = {
                "0, none", "1, 2", "2, 2", "3, 3", "10, 10", "' 7 ', 7"})
        void connectTimeoutIsRaisedToTwoSecondsAndZeroMeansNone(String value, Integer seconds) {
            var s = resolve("connect_timeout='" + value + "'", Map.of());
            assertEquals(seconds == null ? null : Duration.ofSeconds(seconds), s.connectTimeout());
        }

        @Test
        void startupParametersInOrder() {
            var s = resolve("user=bob dbname=shop application_name=app options='-c x=y' replication=database",
                    Map.of("PGPASSWORD", SECRET));
            assertEquals(List.of("user", "database", "application_name", "options", "replication",
                    "client_encoding", "DateStyle"), List.copyOf(s.startupParameters().keySet()));
            assertEquals(List.of("bob", "shop", "app", "-c x=y", "database", "UTF8", "ISO, MDY"),
                    List.copyOf(s.startupParameters().values()));
            assertEquals("database", s.replication());
            assertFalse(s.startupParameters().containsValue(SECRET));
            assertThrows(UnsupportedOperationException.class, () -> s.startupParameters().put("x", "y"));
        }

        @Test
        void minimalStartupParameters() {
            var s = resolve("user=bob", Map.of());
            assertEquals(Map.of("user", "bob", "database", "bob", "client_encoding", "UTF8",
                    "DateStyle", "ISO, MDY"), s.startupParameters());
        }

        @Test
        void fallbackApplicationNameOnlyWhenNoApplicationName() {
            assertEquals("fb", resolve("fallback_application_name=fb", Map.of())
                    .startupParameters().get("application_name"));
            assertEquals("app", resolve("fallback_application_name=fb application_name=app", Map.of())
                    .startupParameters().get("application_name"));
            assertEquals("env-app", resolve("fallback_application_name=fb", Map.of("PGAPPNAME", "env-app"))
                    .startupParameters().get("application_name"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"UTF8", "utf8", "UTF-8", "utf-8", "UNICODE", "Unicode"})
        void clientEncodingUtf8IsAccepted(String encoding) {
            var s = resolve("client_encoding=" + encoding, Map.of());
            assertEquals("UTF8", s.startupParameters().get("client_encoding"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"LATIN1", "SQL_ASCII", "auto", "utf16"})
        void otherClientEncodingsAreRejected(String encoding) {
            var e = assertThrows(ProgrammingException.class, () -> resolve("client_encoding=" + encoding, Map.of()));
            assertTrue(e.getMessage().contains("\"" + encoding + "\""), e.getMessage());
        }

        static Stream<Arguments> badEnvironments() {
            return Stream.of(
                    Arguments.of(Map.of("PGPORT", "abc"), "invalid PGPORT: invalid port number: \"abc\""),
                    Arguments.of(Map.of("PGPORT", "99999"), "\"99999\""),
                    Arguments.of(Map.of("PGCONNECT_TIMEOUT", "soon"), "invalid PGCONNECT_TIMEOUT: invalid integer value \"soon\""),
                    Arguments.of(Map.of("PGCONNECT_TIMEOUT", "-5"),
                            "invalid PGCONNECT_TIMEOUT: invalid value \"-5\" for connection option \"connect_timeout\""),
                    Arguments.of(Map.of("PGCONNECT_TIMEOUT", " "), "invalid PGCONNECT_TIMEOUT: invalid integer value \" \""),
                    Arguments.of(Map.of("PGTARGETSESSIONATTRS", "bogus"),
                            "invalid PGTARGETSESSIONATTRS: invalid target_session_attrs value: \"bogus\""),
                    Arguments.of(Map.of("PGSSLMODE", "always"), "invalid PGSSLMODE: invalid sslmode value: \"always\""),
                    Arguments.of(Map.of("PGCLIENTENCODING", "SQL_ASCII"), "invalid PGCLIENTENCODING: unsupported client_encoding \"SQL_ASCII\""));
        }

        @ParameterizedTest
        @MethodSource("badEnvironments")
        void badEnvironmentValuesAreNamed(Map<String, String> env, String fragment) {
            var e = assertThrows(ProgrammingException.class, () -> resolve("password=" + SECRET, env));
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET));
        }

        @Test
        void aGoodTargetSessionAttrsFromTheEnvironmentIsAccepted() {
            assertDoesNotThrow(() -> resolve("", Map.of("PGTARGETSESSIONATTRS", "prefer-standby")));
            assertDoesNotThrow(() -> resolve("target_session_attrs=any", Map.of("PGTARGETSESSIONATTRS", "bogus")),
                    "the DSN's value hides the environment's");
        }

        @Test
        void badSslmodeInDsn() {
            var e = assertThrows(ProgrammingException.class, () -> resolve("sslmode=on", Map.of()));
            assertEquals("invalid dsn: invalid sslmode value: \"on\"", e.getMessage());
        }

        @Test
        void toStringHidesThePassword() {
            var s = resolve("host=db user=bob password=" + SECRET + " connect_timeout=5", Map.of());
            assertFalse(s.toString().contains(SECRET), s.toString());
            assertTrue(s.toString().contains("password=xxx"), s.toString());
            assertTrue(s.toString().contains("host=db"), s.toString());
            assertFalse(resolve("host=db", Map.of()).toString().contains("password"));
        }

        @Test
        void paramIsTheCallersValueOnly() {
            var s = resolve("sslrootcert=/etc/root.crt", Map.of("PGHOST", "env-host"));
            assertEquals("/etc/root.crt", s.param("sslrootcert"));
            assertNull(s.param("host"));
        }

        @Test
        void settingsUsesTheProcessEnvironment() {
            var info = ConnectInfo.of("host=db port=5433 user=bob dbname=shop", false);
            var s = info.settings();
            assertEquals("db", s.host());
            assertEquals(5433, s.port());
            assertEquals("bob", s.user());
        }
    }
}
