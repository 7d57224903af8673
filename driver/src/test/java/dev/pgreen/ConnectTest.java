package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestRoles;
import dev.pgreen.testing.TestServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connecting, authenticating and the connection's life cycle, against the real test server. */
@ExtendWith(PgServerExtension.class)
class ConnectTest {

    private static final Duration GUARD = Duration.ofSeconds(20);

    private static Object scalar(Connection conn, String sql) {
        Row row = conn.cursor().execute(sql).fetchOne();
        assertNotNull(row, "no row for " + sql);
        return row.get(0);
    }

    private static String baseDsn(TestServer server, String dbname) {
        return "host=" + server.host() + " port=" + server.port() + " user=" + server.user() + " dbname=" + dbname;
    }

    private static void assertNoSecret(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), "the password leaked into: " + t.getMessage());
            assertFalse(t.toString().contains(secret), "the password leaked into: " + t);
        }
    }

    /** A port on 127.0.0.1 nothing listens on (bound, then released). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ---- DSN forms ----

    @Test
    void keyValueDsn(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            assertFalse(conn.isClosed());
            assertEquals(42, scalar(conn, "SELECT 42"));
            assertEquals(server.user(), scalar(conn, "SELECT current_user"));
            assertEquals(server.database(), scalar(conn, "SELECT current_database()"));
        }
    }

    @Test
    void uriDsn(TestServer server) {
        String uri = server.uri();
        assertTrue(uri.startsWith("postgresql://"), uri);
        try (Connection conn = Pgreen.connect(uri)) {
            assertEquals(server.user(), scalar(conn, "SELECT current_user"));
            assertEquals(server.database(), scalar(conn, "SELECT current_database()"));
        }
    }

    @Test
    void uriDsnWithQueryParameters(TestServer server) {
        String app = "pgreen_uri_" + System.nanoTime();
        String uri = "postgresql://" + server.user() + "@" + server.host() + ":" + server.port() + "/"
                + server.database() + "?application_name=" + app + "&connect_timeout=10";
        try (Connection conn = Pgreen.connect(uri)) {
            assertEquals(app, scalar(conn, "SHOW application_name"));
        }
    }

    @Test
    void unixSocket(TestServer server) {
        Optional<String> dir = server.socketDir();
        assumeTrue(dir.isPresent(), "the server has no local unix socket");
        String dsn = "host=" + dir.get() + " port=" + server.port() + " user=" + server.user()
                + " dbname=" + server.database();
        try (Connection conn = Pgreen.connect(dsn)) {
            assertEquals(1, scalar(conn, "SELECT 1"));
            // Over a unix socket the server has no client address.
            assertNull(scalar(conn, "SELECT inet_client_addr()"));
            assertEquals(server.user(), scalar(conn, "SELECT current_user"));
        }
    }

    @Test
    void tcpConnectionHasAClientAddress(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            assertNotNull(scalar(conn, "SELECT inet_client_addr()"));
        }
    }

    // ---- authentication ----

    @ParameterizedTest
    @ValueSource(strings = {TestRoles.TRUST_USER, TestRoles.PASSWORD_USER, TestRoles.MD5_USER, TestRoles.SCRAM_USER})
    void eachAuthMethodSucceedsWithTheRightPassword(String user, TestServer server) {
        assumeTrue(server.hasTestRoles(), "the test roles do not exist on this server");
        String password = user.equals(TestRoles.TRUST_USER) ? null : TestRoles.PASSWORD;
        try (Connection conn = Pgreen.connect(server.dsn(user, password))) {
            assertEquals(user, scalar(conn, "SELECT current_user"));
            assertEquals(user, scalar(conn, "SELECT session_user"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestRoles.PASSWORD_USER, TestRoles.MD5_USER, TestRoles.SCRAM_USER})
    void eachPasswordMethodWorksThroughAUriToo(String user, TestServer server) {
        assumeTrue(server.hasTestRoles(), "the test roles do not exist on this server");
        try (Connection conn = Pgreen.connect(server.uri(user, TestRoles.PASSWORD))) {
            assertEquals(user, scalar(conn, "SELECT current_user"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {TestRoles.PASSWORD_USER, TestRoles.MD5_USER, TestRoles.SCRAM_USER})
    void wrongPasswordIsRejectedWithoutShowingIt(String user, TestServer server) {
        assumeTrue(server.hasTestRoles(), "the test roles do not exist on this server");
        String wrong = "Wr0ng-Pa55word-" + System.nanoTime();
        OperationalException e = assertTimeoutPreemptively(GUARD,
                () -> assertThrows(OperationalException.class, () -> Pgreen.connect(server.dsn(user, wrong))));
        assertEquals("28P01", e.sqlState(), e.getMessage());
        assertEquals("28P01", e.diag().sqlState());
        assertNoSecret(e, wrong);
        assertNoSecret(e, TestRoles.PASSWORD);
        assertTrue(e.getMessage().contains(user), "the message should name the user: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {TestRoles.PASSWORD_USER, TestRoles.MD5_USER, TestRoles.SCRAM_USER})
    void missingPasswordWhenRequired(String user, TestServer server) {
        assumeTrue(server.hasTestRoles(), "the test roles do not exist on this server");
        assumeTrue(System.getenv("PGPASSWORD") == null, "PGPASSWORD is set");
        OperationalException e = assertTimeoutPreemptively(GUARD,
                () -> assertThrows(OperationalException.class, () -> Pgreen.connect(server.dsn(user, null))));
        assertNotNull(e.getMessage());
        assertNoSecret(e, TestRoles.PASSWORD);
    }

    // ---- failures to connect ----

    @Test
    void unknownDatabase(TestServer server) {
        String db = "pgreen_no_such_db_" + System.nanoTime();
        OperationalException e = assertThrows(OperationalException.class, () -> Pgreen.connect(baseDsn(server, db)));
        assertEquals("3D000", e.sqlState(), e.getMessage());
        assertTrue(e.getMessage().contains(db), e.getMessage());
    }

    @Test
    void refusedPort() throws IOException {
        int port = freePort();
        OperationalException e = assertTimeoutPreemptively(GUARD, () -> assertThrows(OperationalException.class,
                () -> Pgreen.connect("host=127.0.0.1 port=" + port + " user=nobody dbname=nothing")));
        assertNull(e.sqlState(), "a client-side failure has no SQLSTATE");
        assertTrue(e.getMessage().contains(Integer.toString(port)), "the message should name the port: " + e.getMessage());
    }

    @Test
    void unknownHost() {
        String host = "pgreen-no-such-host-" + System.nanoTime() + ".invalid";
        OperationalException e = assertTimeoutPreemptively(GUARD, () -> assertThrows(OperationalException.class,
                () -> Pgreen.connect("host=" + host + " port=5432 user=nobody dbname=nothing")));
        assertTrue(e.getMessage().contains(host), "the message should name the host: " + e.getMessage());
    }

    @Test
    void malformedDsnNamesTheBadPart() {
        ProgrammingException port = assertThrows(ProgrammingException.class,
                () -> Pgreen.connect("host=127.0.0.1 port=notaport dbname=x"));
        assertTrue(port.getMessage().contains("notaport") || port.getMessage().contains("port"), port.getMessage());

        ProgrammingException key = assertThrows(ProgrammingException.class,
                () -> Pgreen.connect("host=127.0.0.1 nosuchkeyword=1"));
        assertTrue(key.getMessage().contains("nosuchkeyword"), key.getMessage());

        ProgrammingException quote = assertThrows(ProgrammingException.class,
                () -> Pgreen.connect("host=127.0.0.1 dbname='unterminated"));
        assertTrue(quote.getMessage().toLowerCase().contains("unterminated")
                || quote.getMessage().contains("dbname"), quote.getMessage());

        ProgrammingException syntax = assertThrows(ProgrammingException.class,
                () -> Pgreen.connect("host 127.0.0.1"));
        assertNotNull(syntax.getMessage());

        ProgrammingException timeout = assertThrows(ProgrammingException.class,
                () -> Pgreen.connect("host=127.0.0.1 connect_timeout=soon"));
        assertTrue(timeout.getMessage().contains("connect_timeout"), timeout.getMessage());
    }

    @Test
    void malformedDsnNeverShowsThePassword() {
        String secret = "S3cret-" + System.nanoTime();
        ProgrammingException e = assertThrows(ProgrammingException.class,
                () -> Pgreen.connect("host=127.0.0.1 password=" + secret + " port=bad"));
        assertNoSecret(e, secret);
        ProgrammingException uri = assertThrows(ProgrammingException.class,
                () -> Pgreen.connect("postgresql://u:" + secret + "@127.0.0.1:5432/db?nosuchkeyword=1"));
        assertNoSecret(uri, secret);
    }

    @Test
    void connectTimeoutAgainstAServerThatNeverAnswers() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) accepted.add(silent.accept()); // accept and never answer
                } catch (IOException closed) {
                    // the server socket was closed: done
                }
            });
            String dsn = "host=127.0.0.1 port=" + silent.getLocalPort() + " user=nobody dbname=nothing connect_timeout=2";
            long start = System.nanoTime();
            OperationalException e = assertTimeoutPreemptively(GUARD,
                    () -> assertThrows(OperationalException.class, () -> Pgreen.connect(dsn)));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 1.5, "gave up after " + seconds + " s, before the 2 s timeout: " + e.getMessage());
            assertTrue(seconds <= 6, "connect_timeout=2 took " + seconds + " s");
            assertTrue(e.getMessage().toLowerCase().contains("timeout") || e.getMessage().toLowerCase().contains("timed out"),
                    e.getMessage());
            silent.close();
            acceptor.join(5000);
        } finally {
            for (Socket s : accepted) s.close();
        }
    }

    // ---- what a connection knows ----

    @Test
    void serverVersionBackendPidAndParameters(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            assertTrue(conn.serverVersion() >= 150000, "serverVersion " + conn.serverVersion());
            assertEquals(Integer.parseInt((String) scalar(conn, "SHOW server_version_num")), conn.serverVersion());
            assertEquals(((Number) scalar(conn, "SELECT pg_backend_pid()")).intValue(), conn.backendPid());
            String encoding = conn.parameterStatus("server_encoding");
            assertNotNull(encoding);
            assertEquals(scalar(conn, "SHOW server_encoding"), encoding);
            assertEquals("on", conn.parameterStatus("standard_conforming_strings"));
            assertNull(conn.parameterStatus("pgreen_no_such_parameter"));
        }
    }

    @Test
    void connectInfoMasksThePassword(TestServer server) {
        assumeTrue(server.hasTestRoles(), "the test roles do not exist on this server");
        AtomicReference<ConnectInfo> seen = new AtomicReference<>();
        ConnectionFactory<Connection> factory = info -> {
            seen.set(info);
            return new Connection(info);
        };
        String dsn = server.dsn(TestRoles.SCRAM_USER, TestRoles.PASSWORD);
        try (Connection conn = Pgreen.connect(dsn, factory)) {
            assertEquals(TestRoles.SCRAM_USER, scalar(conn, "SELECT current_user"));
            ConnectInfo info = seen.get();
            assertNotNull(info);
            assertFalse(info.dsn().contains(TestRoles.PASSWORD), info.dsn());
            assertTrue(info.dsn().contains("xxx"), info.dsn());
            assertFalse(info.toString().contains(TestRoles.PASSWORD), info.toString());
            assertFalse(conn.toString().contains(TestRoles.PASSWORD), conn.toString());
            assertEquals(TestRoles.PASSWORD, info.params().get("password"), "params() holds what the caller gave");
            assertFalse(info.async());
        }
        String uri = server.uri(TestRoles.SCRAM_USER, TestRoles.PASSWORD);
        try (Connection conn = Pgreen.connect(uri, factory)) {
            assertFalse(seen.get().dsn().contains(TestRoles.PASSWORD), seen.get().dsn());
            assertTrue(seen.get().dsn().contains("xxx"), seen.get().dsn());
            assertFalse(conn.toString().contains(TestRoles.PASSWORD), conn.toString());
        }
    }

    @Test
    void applicationNameIsVisibleInPgStatActivity(TestServer server) {
        String app = "pgreen_connect_test_" + System.nanoTime();
        try (Connection conn = Pgreen.connect(server.dsn() + " application_name=" + app);
             Connection observer = Pgreen.connect(server.dsn())) {
            assertEquals(app, scalar(conn, "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()"));
            Row row = observer.cursor()
                    .execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", app).fetchOne();
            assertNotNull(row, "the application_name is not in pg_stat_activity");
            assertEquals(conn.backendPid(), ((Number) row.get(0)).intValue());
        }
    }

    // ---- life cycle ----

    @Test
    void closeAndCloseAgain(TestServer server) {
        Connection conn = Pgreen.connect(server.dsn());
        int pid = conn.backendPid();
        assertFalse(conn.isClosed());
        assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        conn.close();
        assertTrue(conn.isClosed());
        assertEquals(TransactionStatus.UNKNOWN, conn.transactionStatus());
        assertDoesNotThrow(conn::close);
        assertTrue(conn.isClosed());
        // The backend went away.
        try (Connection observer = Pgreen.connect(server.dsn())) {
            // pg_stat_activity is snapshotted once per transaction: each look needs a transaction of its own.
            observer.setAutocommit(true);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            long count;
            do {
                count = (Long) scalar(observer, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid);
            } while (count != 0 && System.nanoTime() < deadline);
            assertEquals(0L, count, "the backend of the closed connection is still there");
        }
    }

    @Test
    void usingAClosedConnectionOrCursorRaisesInterfaceException(TestServer server) {
        Connection conn = Pgreen.connect(server.dsn());
        Cursor cur = conn.cursor();
        cur.execute("SELECT 1");
        conn.close();
        assertThrows(InterfaceException.class, () -> cur.execute("SELECT 1"));
        assertThrows(InterfaceException.class, cur::fetchOne);
        assertThrows(InterfaceException.class, conn::commit);
        assertThrows(InterfaceException.class, conn::rollback);
        assertThrows(InterfaceException.class, () -> conn.setAutocommit(true));
        assertThrows(InterfaceException.class, () -> conn.setSession(IsolationLevel.SERIALIZABLE, null, null));
        assertThrows(InterfaceException.class, conn::cursor, "cursor() on a closed connection");
        assertEquals(TransactionStatus.UNKNOWN, conn.transactionStatus());
    }

    @Test
    void usingAClosedCursorRaisesInterfaceException(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            Cursor cur = conn.cursor();
            cur.execute("SELECT 1");
            cur.close();
            assertTrue(cur.isClosed());
            assertThrows(InterfaceException.class, () -> cur.execute("SELECT 1"));
            assertThrows(InterfaceException.class, cur::fetchOne);
            assertThrows(InterfaceException.class, cur::fetchAll);
            assertDoesNotThrow(cur::close);
            // The connection itself is unaffected.
            assertFalse(conn.isClosed());
            assertEquals(2, scalar(conn, "SELECT 2"));
        }
    }

    @Test
    void exceptionsAreUnchecked() {
        assertTrue(RuntimeException.class.isAssignableFrom(PgException.class));
        assertTrue(PgException.class.isAssignableFrom(OperationalException.class));
    }
}
