package dev.pgreen.transport.tls;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.PollState;
import dev.pgreen.Row;
import dev.pgreen.WaitCallback;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.replication.LogicalReplicationConnection;
import dev.pgreen.replication.ReplicationCursor;
import dev.pgreen.replication.ReplicationOptions;
import dev.pgreen.replication.StopReplication;
import dev.pgreen.testing.Backends;
import dev.pgreen.testing.LatencyProxy;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestCertificates;
import dev.pgreen.testing.TestRoles;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.pgreen.transport.tls.TlsFixtures.certificates;
import static dev.pgreen.transport.tls.TlsFixtures.dsn;
import static dev.pgreen.transport.tls.TlsFixtures.sslVersion;
import static org.junit.jupiter.api.Assertions.*;

/**
 * TLS through the wait seam: every wait of the handshake and of later traffic is the wait
 * callback's, on the connection's one channel; COPY both ways, results far larger than a TLS
 * record or the read buffer, async connections, cancel (sent in plaintext, as libpq does) and
 * interrupt, notifications and replication all work over TLS.
 */
@ExtendWith(PgServerExtension.class)
class TlsWaitTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** Waits with a Selector of its own on whatever channel() says, and records every poll(). */
    static final class RecordingWait implements WaitCallback {
        final List<PollState> states = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void await(Connection conn) {
            try (Selector selector = Selector.open()) {
                for (PollState s = conn.poll(); s != PollState.OK; s = conn.poll()) {
                    states.add(s);
                    select(selector, conn.channel(), s, conn.waitTimeout());
                }
                states.add(PollState.OK);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long count(PollState s) {
            synchronized (states) {
                return states.stream().filter(s::equals).count();
            }
        }
    }

    static void select(Selector selector, SelectableChannel ch, PollState s, Duration timeout) throws IOException {
        int ops = s == PollState.READ ? SelectionKey.OP_READ : SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;
        SelectionKey key = ch.register(selector, ops & ch.validOps());
        selector.select(timeout == null ? 10_000 : Math.max(1, timeout.toMillis()));
        key.cancel();
        selector.selectNow();
    }

    private static Connection connect(String dsn, WaitCallback wait) {
        return Pgreen.connect(dsn, info -> new Connection(info.withWaitCallback(wait)));
    }

    @Test
    void theHandshakeWaitsThroughTheCallback(TestServer server) throws IOException {
        TestCertificates tls = certificates(server);
        RecordingWait plain = new RecordingWait();
        try (Connection conn = connect(dsn(server, tls, TestRoles.TRUST_USER, null, "sslmode=disable"), plain)) {
            assertEquals("plaintext", sslVersion(conn));
        }
        RecordingWait encrypted = new RecordingWait();
        // Through a proxy that delays each flight, so that no read right after sending finds the answer there
        // (a fast server's would, sometimes, and the connect would then need fewer waits).
        try (LatencyProxy proxy = LatencyProxy.start(server, Duration.ofMillis(5));
             Connection conn = connect(dsn(server, tls, TestRoles.TRUST_USER, null,
                "sslmode=verify-full host=localhost hostaddr=127.0.0.1 port=" + proxy.port()
                        + " sslrootcert=" + tls.caCert()), encrypted)) {
            long afterConnect = encrypted.count(PollState.READ);
            // The SSLRequest's answer and the server's handshake flight are waits of their own.
            assertTrue(afterConnect >= 2, encrypted.states.toString());
            assertTrue(sslVersion(conn).startsWith("TLSv1."));
            assertEquals(42, conn.cursor().execute("SELECT pg_sleep(0.05), 42").fetchOne().get(1));
            assertTrue(encrypted.count(PollState.READ) > afterConnect, "queries wait through the callback too");
        }
    }

    @Test
    void copyTenMegabytesBothWays(TestServer server) {
        TestCertificates tls = certificates(server);
        RecordingWait wait = new RecordingWait();
        try (Connection conn = connect(dsn(server, tls, TestRoles.TLS_USER, TestRoles.PASSWORD,
                "sslmode=require channel_binding=require"), wait)) {
            conn.setAutocommit(true);
            Cursor cur = conn.cursor();
            cur.execute("CREATE TEMP TABLE tls_copy (id int, payload text)");
            StringBuilder data = new StringBuilder();
            String payload = "x".repeat(990);
            for (int i = 0; data.length() < 10 * 1024 * 1024; i++) {
                data.append(i).append('\t').append(payload).append(i % 10).append('\n');
            }
            byte[] in = data.toString().getBytes(StandardCharsets.UTF_8);
            cur.copyFrom(new ByteArrayInputStream(in), "tls_copy");
            assertEquals((long) count(in, '\n'), cur.execute("SELECT count(*) FROM tls_copy").fetchOne().get(0));
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
            cur.copyTo(out, "tls_copy");
            assertArrayEquals(in, out.toByteArray(), "10 MB out equals 10 MB in");
            assertTrue(wait.count(PollState.WRITE) + wait.count(PollState.READ) > 0);
        }
    }

    @Test
    void resultsFarLargerThanATlsRecordOrTheReadBuffer(TestServer server) {
        TestCertificates tls = certificates(server);
        try (Connection conn = connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require"),
                new RecordingWait())) {
            // One 8 MB field: one message spanning hundreds of records and growing the read buffer.
            String big = (String) conn.cursor().execute("SELECT repeat('ab', 4 * 1024 * 1024)").fetchOne().get(0);
            assertEquals(8 * 1024 * 1024, big.length());
            assertTrue(big.startsWith("abab") && big.endsWith("abab"));
            // Many small rows: records and messages never line up.
            long sum = 0;
            int rows = 0;
            for (Row r : conn.cursor().execute("SELECT g, md5(g::text) FROM generate_series(1, 200000) g")) {
                sum += (Integer) r.get(0);
                assertEquals(32, ((String) r.get(1)).length());
                rows++;
            }
            assertEquals(200000, rows);
            assertEquals(200000L * 200001 / 2, sum);
        }
    }

    @Test
    void anAsyncConnectionOverTlsWithPoll(TestServer server) throws IOException {
        TestCertificates tls = certificates(server);
        // Through a proxy that delays each flight: a read right after sending then never finds the reply there
        // (without it a fast server, or a client thread descheduled after its write, let all of this complete
        // without one READ: a CI flake).
        try (LatencyProxy proxy = LatencyProxy.start(server, Duration.ofMillis(5));
             Connection conn = Pgreen.connectAsync(dsn(server, tls, TestRoles.TLS_USER, TestRoles.PASSWORD,
                "sslmode=verify-full host=localhost hostaddr=127.0.0.1 port=" + proxy.port() + " sslrootcert="
                        + tls.caCert() + " channel_binding=require"))) {
            List<PollState> states = new ArrayList<>(drive(conn));
            Cursor cur = conn.cursor().execute("SELECT version, current_user FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
            states.addAll(drive(conn));
            Row row = cur.fetchOne();
            assertTrue(((String) row.get(0)).startsWith("TLSv1."));
            assertEquals(TestRoles.TLS_USER, row.get(1));
            Cursor big = conn.cursor().execute("SELECT repeat('z', 1000000)");
            states.addAll(drive(conn));
            assertEquals(1000000, ((String) big.fetchOne().get(0)).length());
            assertTrue(states.contains(PollState.READ), "a megabyte over TLS never waited for the server: " + states);
        }
    }

    /** psycopg2's wait loop with a Selector; a connection on localhost waits on the resolver's pipe first. */
    static List<PollState> drive(Connection conn) throws IOException {
        List<PollState> states = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (PollState s = conn.poll(); ; s = conn.poll()) {
                states.add(s);
                if (s == PollState.OK) {
                    return states;
                }
                select(selector, conn.channel(), s, Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void cancelOverTls(TestServer server) throws Exception {
        TestCertificates tls = certificates(server);
        try (Connection conn = connect(dsn(server, tls, TestRoles.TLS_USER, TestRoles.PASSWORD, "sslmode=require"),
                new RecordingWait());
             Connection observer = Pgreen.connect(server.dsn());
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            observer.setAutocommit(true);
            conn.setAutocommit(true);
            Future<Throwable> f = pool.submit(() -> {
                try {
                    conn.cursor().execute("SELECT pg_sleep(30)");
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Backends.awaitActive(observer, conn.backendPid(), LIMIT);
            // The cancel request goes on a plaintext connection of its own, as libpq's PQcancel does.
            conn.cancel();
            assertInstanceOf(QueryCanceledException.class, f.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(7, conn.cursor().execute("SELECT 7").fetchOne().get(0), "the TLS session goes on");
            assertTrue(sslVersion(conn).startsWith("TLSv1."));
        }
    }

    @Test
    void interruptOverTls(TestServer server) throws Exception {
        TestCertificates tls = certificates(server);
        try (Connection conn = Pgreen.connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require"));
             Connection observer = Pgreen.connect(server.dsn());
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            conn.setAutocommit(true);
            AtomicBoolean flagAfter = new AtomicBoolean();
            Thread[] worker = new Thread[1];
            Future<Throwable> f = pool.submit(() -> {
                worker[0] = Thread.currentThread();
                try {
                    conn.cursor().execute("SELECT pg_sleep(30)");
                    return null;
                } catch (Throwable t) {
                    flagAfter.set(Thread.interrupted());
                    return t;
                }
            });
            Backends.awaitActive(observer, conn.backendPid(), LIMIT);
            worker[0].interrupt();
            assertInstanceOf(QueryCanceledException.class, f.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(flagAfter.get(), "the interrupt flag is restored");
            assertFalse(conn.isClosed(), "an interrupt never closes the socket, TLS or not");
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void notificationsArriveOverTls(TestServer server) {
        TestCertificates tls = certificates(server);
        try (Connection listener = connect(dsn(server, tls, TestRoles.SCRAM_USER, TestRoles.PASSWORD, "sslmode=require"),
                new RecordingWait());
             Connection notifier = Pgreen.connect(server.dsn())) {
            listener.setAutocommit(true);
            notifier.setAutocommit(true);
            listener.cursor().execute("LISTEN tls_channel");
            notifier.cursor().execute("NOTIFY tls_channel, 'one'; NOTIFY tls_channel, 'two'");
            int arrived = listener.awaitNotifies(Duration.ofSeconds(10));
            if (arrived < 2) {
                arrived += listener.awaitNotifies(Duration.ofSeconds(10));
            }
            assertEquals(2, arrived);
            assertEquals(List.of("one", "two"), listener.notifies().stream().map(n -> n.payload()).toList());
        }
    }

    @Test
    void replicationOverTls(TestServer server) {
        TestCertificates tls = certificates(server);
        String slot = "pgreen_tls_slot";
        try (LogicalReplicationConnection repl = Pgreen.connect(dsn(server, tls, TestRoles.REPLICATION_USER, null,
                "sslmode=verify-ca sslrootcert=" + tls.caCert()), LogicalReplicationConnection::new);
             Connection sql = Pgreen.connect(server.dsn())) {
            sql.setAutocommit(true);
            ReplicationCursor cur = repl.cursor();
            cur.createReplicationSlot(slot, "test_decoding");
            try {
                sql.cursor().execute("CREATE TABLE IF NOT EXISTS tls_repl (id int, v text)");
                sql.cursor().execute("INSERT INTO tls_repl SELECT g, repeat('r', 5000) FROM generate_series(1, 20) g");
                cur.startReplication(slot, ReplicationOptions.defaults().withDecode(true));
                List<String> payloads = new ArrayList<>();
                assertThrows(StopReplication.class, () -> cur.consumeStream(msg -> {
                    payloads.add((String) msg.payload());
                    if (payloads.stream().filter(p -> p.contains("table public.tls_repl: INSERT")).count() == 20) {
                        throw new StopReplication();
                    }
                }));
                assertTrue(payloads.stream().anyMatch(p -> p.contains("id[integer]:20")), payloads.toString());
            } finally {
                cur.dropReplicationSlot(slot);
                sql.cursor().execute("DROP TABLE IF EXISTS tls_repl");
            }
        }
    }

    private static int count(byte[] bytes, char c) {
        int n = 0;
        for (byte b : bytes) {
            if (b == c) {
                n++;
            }
        }
        return n;
    }
}
