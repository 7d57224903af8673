package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.LatencyProxy;
import dev.pgreen.testing.LoopbackProxy;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.Standbys;
import dev.pgreen.testing.TestRoles;
import dev.pgreen.testing.TestServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several hosts against real servers: the run's primary and a streaming standby of it; a closed
 * port (refused), a listening socket that never answers (timeout), a proxy that hides what a
 * server before 14 does not report; and a primary/standby pair of its own for failover.
 */
@ExtendWith(PgServerExtension.class)
class MultiHostTest {
    private static final Duration GUARD = Duration.ofSeconds(30);

    private static TestServer server;
    private static Standbys.Node standby;
    /** Accepts connections into its backlog and never answers. */
    private static ServerSocket silent;
    private static int closedPort;

    @BeforeAll
    static void servers(TestServer s) throws IOException {
        server = s;
        standby = Standbys.of(s);
        silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
    }

    @AfterAll
    static void closeSilent() throws IOException {
        silent.close();
    }

    private static int primaryPort() {
        return server.port();
    }

    /** A DSN for the superuser listing 127.0.0.1 once per port, then {@code more}. */
    private static String dsn(List<Integer> ports, String more) {
        return "host=" + ports.stream().map(p -> "127.0.0.1").collect(Collectors.joining(","))
                + " port=" + ports.stream().map(String::valueOf).collect(Collectors.joining(","))
                + " user=" + TestRoles.SUPERUSER + " dbname=" + TestRoles.DATABASE + " " + more;
    }

    private static int connectedPort(Connection conn) {
        return Integer.parseInt((String) conn.cursor().execute("SELECT current_setting('port')").fetchOne().get(0));
    }

    private static int portReached(String dsn) {
        return assertTimeoutPreemptively(GUARD, () -> {
            try (Connection conn = Pgreen.connect(dsn)) {
                return connectedPort(conn);
            }
        });
    }

    // ---- target_session_attrs ----

    @ParameterizedTest(name = "{0}, primary first: {1}; standby first: {2}")
    @CsvSource({
            "any, primary, standby",
            "read-write, primary, primary",
            "read-only, standby, standby",
            "primary, primary, primary",
            "standby, standby, standby",
            "prefer-standby, standby, standby"})
    void targetSessionAttrsChoosesAmongPrimaryAndStandby(String attrs, String primaryFirst, String standbyFirst) {
        int p = primaryPort();
        int s = standby.port();
        assertEquals(primaryFirst.equals("primary") ? p : s,
                portReached(dsn(List.of(p, s), "target_session_attrs=" + attrs)));
        assertEquals(standbyFirst.equals("primary") ? p : s,
                portReached(dsn(List.of(s, p), "target_session_attrs=" + attrs)));
    }

    @Test
    void preferStandbyTakesAnyHostInASecondPassWhenNoneIsAStandby() {
        assertEquals(primaryPort(), portReached(dsn(List.of(closedPort, primaryPort()),
                "target_session_attrs=prefer-standby")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"read-write, primary", "read-only, standby", "primary, primary", "standby, standby"})
    void serversThatDoNotReportTheirStateAreAsked(String attrs, String expected) throws IOException {
        // A proxy drops in_hot_standby and default_transaction_read_only, as a server before 14 never sends them.
        // It reads the protocol, so the session stays in plaintext.
        Set<String> hide = Set.of("in_hot_standby", "default_transaction_read_only");
        try (var oldPrimary = new LoopbackProxy(primaryPort(), hide); var oldStandby = new LoopbackProxy(standby.port(), hide)) {
            int reached = portReached(dsn(List.of(oldPrimary.port(), oldStandby.port()),
                    "sslmode=disable target_session_attrs=" + attrs));
            assertEquals(expected.equals("primary") ? primaryPort() : standby.port(), reached);
            assertTrue(oldPrimary.hidden() + oldStandby.hidden() > 0, "the proxy hid nothing");
        }
    }

    // ---- order, load balancing, unreachable hosts ----

    @Test
    void hostsAreTriedInOrderUnlessLoadBalanced() {
        String ordered = dsn(List.of(standby.port(), primaryPort()), "");
        for (int i = 0; i < 5; i++) {
            assertEquals(standby.port(), portReached(ordered));
        }
        String random = dsn(List.of(standby.port(), primaryPort()), "load_balance_hosts=random");
        Set<Integer> reached = IntStream.range(0, 40).mapToObj(i -> portReached(random)).collect(Collectors.toSet());
        // Both are reached unless 40 fair coin flips all came out alike (2 in 10^12).
        assertEquals(Set.of(standby.port(), primaryPort()), reached);
    }

    @Test
    void aRefusedHostIsSkipped() {
        long start = System.nanoTime();
        assertEquals(primaryPort(), portReached(dsn(List.of(closedPort, primaryPort()), "")));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    }

    @Test
    void aHostThatNeverAnswersIsGivenUpAfterConnectTimeout() {
        long start = System.nanoTime();
        assertEquals(primaryPort(), portReached(dsn(List.of(silent.getLocalPort(), primaryPort()), "connect_timeout=2")));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 1.8 && seconds < 6, "took " + seconds + " s with connect_timeout=2");
    }

    @Test
    void hostaddrConnectsToTheAddressAndKeepsTheName() {
        String dsn = "host=db1.invalid,db2.invalid hostaddr=127.0.0.1,127.0.0.1 port=" + closedPort + "," + primaryPort()
                + " user=" + TestRoles.SUPERUSER + " dbname=" + TestRoles.DATABASE;
        assertEquals(primaryPort(), portReached(dsn));
    }

    @Test
    void whenNoneFitsOneMessageNamesEveryHostAndWhy() {
        String dsn = dsn(List.of(closedPort, silent.getLocalPort(), primaryPort()),
                "target_session_attrs=standby connect_timeout=2");
        OperationalException e = assertTimeoutPreemptively(GUARD,
                () -> assertThrows(OperationalException.class, () -> Pgreen.connect(dsn)));
        List<String> lines = e.getMessage().lines().toList();
        assertEquals(3, lines.size(), e.getMessage());
        assertTrue(lines.get(0).startsWith("connection to server at \"127.0.0.1\", port " + closedPort + " failed: "),
                lines.get(0));
        assertTrue(lines.get(0).toLowerCase().contains("refused"), lines.get(0));
        assertEquals("connection to server at \"127.0.0.1\", port " + silent.getLocalPort()
                + " failed: timeout expired", lines.get(1));
        assertEquals("connection to server at \"127.0.0.1\", port " + primaryPort()
                + " failed: server is not in hot standby mode", lines.get(2));
    }

    @Test
    void anAuthenticationFailureEndsTheConnectAsInLibpq() {
        String dsn = "host=127.0.0.1,127.0.0.1,127.0.0.1 port=" + closedPort + "," + primaryPort() + "," + standby.port()
                + " user=" + TestRoles.SCRAM_USER + " password=wrong dbname=" + TestRoles.DATABASE;
        OperationalException e = assertTimeoutPreemptively(GUARD,
                () -> assertThrows(OperationalException.class, () -> Pgreen.connect(dsn)));
        assertEquals("28P01", e.sqlState(), e.getMessage());
        assertTrue(e.getMessage().contains("port " + closedPort + " failed"), e.getMessage());
        assertTrue(e.getMessage().contains("port " + primaryPort() + " failed: password authentication failed"),
                e.getMessage());
        assertFalse(e.getMessage().contains(Integer.toString(standby.port())),
                "a host after a refused password must not be tried: " + e.getMessage());
    }

    // ---- asynchronous connections and wait callbacks ----

    @Test
    void asyncConnectChangesChannelBetweenAttempts() throws IOException {
        Set<SelectableChannel> channels = new HashSet<>();
        // The primary and the standby answer through proxies that delay each flight, so that their attempts
        // wait too (a read right after sending may find a fast server's answer there, and need no wait).
        try (LatencyProxy slowPrimary = LatencyProxy.start(new InetSocketAddress("127.0.0.1", primaryPort()),
                     Duration.ofMillis(5));
             LatencyProxy slowStandby = LatencyProxy.start(new InetSocketAddress("127.0.0.1", standby.port()),
                     Duration.ofMillis(5));
             Connection conn = Pgreen.connectAsync(dsn(List.of(closedPort, silent.getLocalPort(),
                     slowPrimary.port(), slowStandby.port()), "target_session_attrs=standby connect_timeout=2"));
             Selector selector = Selector.open()) {
            assertTimeoutPreemptively(GUARD, () -> {
                for (PollState state = conn.poll(); state != PollState.OK; state = conn.poll()) {
                    SelectableChannel ch = conn.channel();
                    channels.add(ch);
                    waitFor(selector, ch, state, conn.waitTimeout());
                }
            });
            Cursor cur = conn.cursor().execute("SELECT current_setting('port')");
            for (PollState state = conn.poll(); state != PollState.OK; state = conn.poll()) {
                waitFor(selector, conn.channel(), state, conn.waitTimeout());
            }
            assertEquals(Integer.toString(standby.port()), cur.fetchOne().get(0));
            assertTrue(channels.size() >= 2, "the attempts should have used several channels: " + channels.size());
        }
    }

    @Test
    void aWaitCallbackSeesEveryAttempt() throws IOException {
        var channels = new CopyOnWriteArrayList<SelectableChannel>();
        WaitCallback recording = conn -> {
            try (Selector selector = Selector.open()) {
                for (PollState state = conn.poll(); state != PollState.OK; state = conn.poll()) {
                    SelectableChannel ch = conn.channel();
                    channels.add(ch);
                    waitFor(selector, ch, state, conn.waitTimeout());
                }
            } catch (IOException e) {
                throw new OperationalException("select failed: " + e, e);
            }
        };
        // The standby and the primary answer through proxies that delay each flight, so that every attempt
        // waits (a read right after sending may find a fast server's answer there, and need no wait).
        try (LatencyProxy slowStandby = LatencyProxy.start(new InetSocketAddress("127.0.0.1", standby.port()),
                     Duration.ofMillis(5));
             LatencyProxy slowPrimary = LatencyProxy.start(new InetSocketAddress("127.0.0.1", primaryPort()),
                     Duration.ofMillis(5))) {
            String dsn = dsn(List.of(closedPort, slowStandby.port(), slowPrimary.port()),
                    "target_session_attrs=read-write");
            try (Connection conn = assertTimeoutPreemptively(GUARD,
                    () -> Pgreen.connect(dsn, info -> new Connection(info.withWaitCallback(recording))))) {
                assertEquals(primaryPort(), connectedPort(conn));
            }
        }
        assertTrue(new HashSet<>(channels).size() >= 2, "the callback should have waited on several channels");
    }

    @Test
    void closeFromAnotherThreadEndsTheConnectWithoutTryingTheNextHost() {
        String dsn = dsn(List.of(silent.getLocalPort(), primaryPort()), "connect_timeout=20");
        WaitCallback closingSoon = conn -> {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                conn.close();
            });
            try (Selector selector = Selector.open()) {
                for (PollState state = conn.poll(); state != PollState.OK; state = conn.poll()) {
                    waitFor(selector, conn.channel(), state, conn.waitTimeout());
                }
            } catch (IOException e) {
                throw new OperationalException("select failed: " + e, e);
            }
        };
        long start = System.nanoTime();
        OperationalException e = assertTimeoutPreemptively(GUARD, () -> assertThrows(OperationalException.class,
                () -> Pgreen.connect(dsn, info -> new Connection(info.withWaitCallback(closingSoon)))));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "the close did not end the connect");
    }

    private static void waitFor(Selector selector, SelectableChannel ch, PollState state, Duration timeout)
            throws IOException {
        SelectionKey key = ch.register(selector, PollingWait.interestOps(ch, state));
        selector.select(PollingWait.selectMillis(timeout));
        key.cancel();
        selector.selectNow();
    }

    // ---- failover ----

    @Test
    void afterFailoverReadWriteFindsTheNewPrimary() {
        try (Standbys.Pair pair = Standbys.newPair(server)) {
            String dsn = dsn(List.of(pair.primary().port(), pair.standby().port()),
                    "target_session_attrs=read-write connect_timeout=5");
            assertEquals(pair.primary().port(), portReached(dsn));

            pair.primary().stop();
            pair.standby().promote();

            try (Connection conn = assertTimeoutPreemptively(GUARD, () -> Pgreen.connect(dsn))) {
                conn.setAutocommit(true);
                assertEquals(pair.standby().port(), connectedPort(conn));
                conn.cursor().execute("CREATE TABLE after_failover (id int)");
                conn.cursor().execute("INSERT INTO after_failover VALUES (1)");
            }
        }
    }
}
