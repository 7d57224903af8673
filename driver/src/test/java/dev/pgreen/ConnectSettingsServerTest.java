package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.LoopbackProxy;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestRoles;
import dev.pgreen.testing.TestServer;
import jdk.net.ExtendedSocketOptions;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** passfile, service, require_auth, requirepeer and keepalives against the real server. */
@ExtendWith(PgServerExtension.class)
class ConnectSettingsServerTest {
    @TempDir
    Path home;
    private TestServer server;

    @BeforeEach
    void server(TestServer s) {
        server = s;
        assumeTrue(s.hasTestRoles(), "needs the test roles");
    }

    private Connection connect(String dsn, Map<String, String> env) {
        return Pgreen.connect(dsn, info -> new Connection(info.withEnvironment(env)));
    }

    private String dsn(String user) {
        return "host=" + server.host() + " port=" + server.port() + " user=" + user + " dbname=" + TestRoles.DATABASE;
    }

    private Path passfile(String line) throws IOException {
        Path f = home.resolve(".pgpass");
        Files.writeString(f, line + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    // ---- passfile ----

    @Test
    void thePasswordFileGivesTheMissingPassword() throws IOException {
        passfile(server.host() + ":" + server.port() + ":" + TestRoles.DATABASE + ":" + TestRoles.SCRAM_USER + ":"
                + TestRoles.PASSWORD);
        try (Connection conn = connect(dsn(TestRoles.SCRAM_USER), Map.of("HOME", home.toString()))) {
            assertEquals(TestRoles.SCRAM_USER, conn.cursor().execute("SELECT current_user").fetchOne().get(0));
        }
    }

    @Test
    void aWrongPasswordFromTheFileIsSaidToComeFromIt() throws IOException {
        Path f = passfile("*:*:*:" + TestRoles.SCRAM_USER + ":not-the-password");
        var e = assertThrows(OperationalException.class,
                () -> connect(dsn(TestRoles.SCRAM_USER) + " passfile=" + f, Map.of()));
        assertEquals("28P01", e.sqlState());
        assertTrue(e.getMessage().endsWith("password retrieved from file \"" + f + "\""), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
    }

    @Test
    void aGivenPasswordWinsOverTheFile() throws IOException {
        passfile("*:*:*:*:not-the-password");
        try (Connection conn = connect(dsn(TestRoles.SCRAM_USER) + " password=" + TestRoles.PASSWORD,
                Map.of("HOME", home.toString()))) {
            assertFalse(conn.isClosed());
        }
    }

    // ---- service ----

    @Test
    void aServiceGivesTheSettings() throws IOException {
        Path services = Files.writeString(home.resolve("services.conf"), "[test]\nhost=" + server.host()
                + "\nport=" + server.port() + "\ndbname=" + TestRoles.DATABASE + "\nuser=" + TestRoles.SCRAM_USER
                + "\npassword=" + TestRoles.PASSWORD + "\napplication_name=from-service\n");
        try (Connection conn = connect("service=test application_name=from-dsn",
                Map.of("PGSERVICEFILE", services.toString(), "HOME", home.toString()))) {
            assertEquals(TestRoles.SCRAM_USER, conn.cursor().execute("SELECT current_user").fetchOne().get(0));
            assertEquals("from-dsn", conn.parameterStatus("application_name"));
        }
    }

    // ---- require_auth ----

    @ParameterizedTest(name = "{0} with require_auth={1}")
    @CsvSource({
            TestRoles.SCRAM_USER + ", scram-sha-256",
            TestRoles.MD5_USER + ", md5",
            TestRoles.PASSWORD_USER + ", 'password,md5'",
            TestRoles.SCRAM_USER + ", '!password,!md5'",
            TestRoles.TRUST_USER + ", none",
            TestRoles.TRUST_USER + ", '!password'"})
    void allowedMethodsConnect(String user, String requireAuth) {
        try (Connection conn = connect(server.dsn(user, TestRoles.PASSWORD) + " require_auth='" + requireAuth + "'",
                Map.of())) {
            assertFalse(conn.isClosed());
        }
    }

    @ParameterizedTest(name = "{0} with require_auth={1}")
    @CsvSource(delimiter = '|', value = {
            TestRoles.SCRAM_USER + " | md5 | server requested SASL authentication",
            TestRoles.PASSWORD_USER + " | !password | server requested a cleartext password",
            TestRoles.MD5_USER + " | scram-sha-256 | server requested a hashed password",
            TestRoles.TRUST_USER + " | scram-sha-256 | server did not complete authentication",
            TestRoles.TRUST_USER + " | !none | server did not complete authentication"})
    void otherMethodsAreRefusedBeforeAnyPasswordIsSent(String user, String requireAuth, String reason) {
        var e = assertThrows(OperationalException.class,
                () -> connect(server.dsn(user, TestRoles.PASSWORD) + " require_auth='" + requireAuth + "'", Map.of()));
        assertEquals("authentication method requirement \"" + requireAuth + "\" failed: " + reason, e.getMessage());
    }

    // ---- requirepeer ----

    @Test
    void requirepeerChecksWhoRunsTheServerOnAUnixSocket() throws IOException {
        assumeTrue(server.socketDir().isPresent(), "needs the server's Unix socket");
        String dir = server.socketDir().get();
        String owner = Files.getOwner(Path.of(dir, ".s.PGSQL." + server.port())).getName();
        String dsn = "host=" + dir + " port=" + server.port() + " user=" + TestRoles.SUPERUSER
                + " dbname=" + TestRoles.DATABASE;
        try (Connection conn = connect(dsn + " requirepeer=" + owner, Map.of())) {
            assertFalse(conn.isClosed());
        }
        var e = assertThrows(OperationalException.class, () -> connect(dsn + " requirepeer=nobody-else", Map.of()));
        assertTrue(e.getMessage().endsWith("failed: requirepeer specifies \"nobody-else\", but actual peer user name is \""
                + owner + "\""), e.getMessage());
    }

    // ---- a server that vanishes ----

    @Test
    void aServerThatVanishesIsReportedPromptlyNamingIt() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(server.port(), Set.of());
             Connection conn = connect("host=127.0.0.1 port=" + proxy.port() + " user=" + TestRoles.SUPERUSER
                     + " dbname=" + TestRoles.DATABASE + " keepalives_idle=1 keepalives_interval=1 keepalives_count=2",
                     Map.of())) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                proxy.reset();
            });
            long start = System.nanoTime();
            var e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(OperationalException.class, () -> conn.awaitNotifies(Duration.ofSeconds(15))));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "took too long");
            assertTrue(e.getMessage().contains("connection to server at \"127.0.0.1\", port " + proxy.port() + " lost: "),
                    e.getMessage());
            assertTrue(conn.isClosed());
        }
    }

    // ---- keepalives ----

    @Test
    void keepaliveSettingsReachTheSocket() throws IOException {
        try (Connection conn = connect(server.dsn() + " keepalives_idle=7 keepalives_interval=3 keepalives_count=4",
                Map.of())) {
            SocketChannel ch = (SocketChannel) conn.channel();
            assertTrue(ch.getOption(StandardSocketOptions.SO_KEEPALIVE));
            assertEquals(7, ch.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
            assertEquals(3, ch.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
            assertEquals(4, ch.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
            assertTrue(ch.getOption(StandardSocketOptions.TCP_NODELAY));
        }
        try (Connection conn = connect(server.dsn(), Map.of())) {
            assertTrue(((SocketChannel) conn.channel()).getOption(StandardSocketOptions.SO_KEEPALIVE),
                    "keepalives are on by default");
        }
        try (Connection conn = connect(server.dsn() + " keepalives=0 keepalives_idle=7", Map.of())) {
            assertFalse(((SocketChannel) conn.channel()).getOption(StandardSocketOptions.SO_KEEPALIVE));
        }
    }
}
