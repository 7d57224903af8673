package dev.pgreen.replication;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.PollState;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Logical and physical replication against the real server (psycopg2's test_replication.py cases). */
@ExtendWith(PgServerExtension.class)
class ReplicationTest {
    private TestServer server;
    private Connection sql;
    private final List<String> slots = new ArrayList<>();

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        sql = Pgreen.connect(server.dsn());
        sql.setAutocommit(true);
    }

    @AfterEach
    void dropSlots() {
        for (String slot : slots) {
            // A walsender that was just closed may still hold its slot for a moment.
            long deadline = System.nanoTime() + 10_000_000_000L;
            for (;;) {
                try {
                    sql.cursor().execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                            + "WHERE slot_name = %s", slot);
                    break;
                } catch (dev.pgreen.errors.OperationalException e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.onSpinWait();
                }
            }
        }
        sql.close();
    }

    private String slot(String prefix) {
        String name = prefix + "_" + Long.toHexString(System.nanoTime());
        slots.add(name);
        return name;
    }

    @Test
    void lsnParseAndFormat() {
        assertEquals(0x16B374D848L, Lsn.parse("16/B374D848"));
        assertEquals("16/B374D848", Lsn.format(Lsn.parse("16/B374D848")));
        assertEquals("0/0", Lsn.format(0));
        assertThrows(DataException.class, () -> Lsn.parse("nope"));
        assertThrows(DataException.class, () -> Lsn.parse("1/"));
    }

    @Test
    void logicalStreamDeliversDecodedChangesAndStopsOnRequest() {
        String slot = slot("pgreen_logical");
        try (LogicalReplicationConnection repl = Pgreen.connect(server.dsn(), LogicalReplicationConnection::new)) {
            assertTrue(repl.isAutocommit());
            ReplicationCursor cur = repl.cursor();
            cur.createReplicationSlot(slot, "test_decoding");
            sql.cursor().execute("CREATE TABLE IF NOT EXISTS repl_t (id int primary key, v text)");
            sql.cursor().execute("INSERT INTO repl_t SELECT g, 'v' || g FROM generate_series(1, 50) g "
                    + "ON CONFLICT DO NOTHING");
            cur.startReplication(slot, ReplicationOptions.defaults().withDecode(true)
                    .withOption("include-xids", "0"));
            List<String> payloads = new ArrayList<>();
            long[] lastLsn = {0};
            assertThrows(StopReplication.class, () -> cur.consumeStream(msg -> {
                payloads.add((String) msg.payload());
                assertSame(cur, msg.cursor());
                assertTrue(msg.dataStart() > 0);
                assertNotNull(msg.sendTime());
                lastLsn[0] = msg.dataStart();
                msg.cursor().sendFeedback(msg.dataStart());
                if (((String) msg.payload()).startsWith("COMMIT") && payloads.size() > 50) {
                    throw new StopReplication();
                }
            }));
            assertTrue(payloads.getFirst().startsWith("BEGIN"), payloads.getFirst());
            assertTrue(payloads.stream().anyMatch(p -> p.contains("table public.repl_t: INSERT: id[integer]:50")),
                    payloads.toString());
            assertNotNull(cur.ioTimestamp());
            assertTrue(cur.walEnd() > 0);
            cur.sendFeedback(lastLsn[0], lastLsn[0], lastLsn[0], true, true);
            assertNotNull(cur.feedbackTimestamp());
            // The stream ends cleanly before the next command on the connection.
            cur.dropReplicationSlot(slot);
            slots.remove(slot);
            assertFalse(repl.isClosed());
        }
    }

    @Test
    void feedbackMovesTheSlotsConfirmedPosition() throws Exception {
        String slot = slot("pgreen_feedback");
        try (LogicalReplicationConnection repl = Pgreen.connect(server.dsn(), LogicalReplicationConnection::new)) {
            ReplicationCursor cur = repl.cursor();
            cur.createReplicationSlot(slot, "test_decoding");
            sql.cursor().execute("CREATE TABLE IF NOT EXISTS repl_f (x int)");
            sql.cursor().execute("INSERT INTO repl_f VALUES (1)");
            cur.startReplication(slot, true);
            long[] confirmed = {0};
            assertThrows(StopReplication.class, () -> cur.consumeStream(msg -> {
                if (((String) msg.payload()).startsWith("COMMIT")) {
                    confirmed[0] = msg.dataStart();
                    msg.cursor().sendFeedback(msg.dataStart(), msg.dataStart(), msg.dataStart(), true, true);
                    throw new StopReplication();
                }
            }, Duration.ofMillis(200)));
            long deadline = System.nanoTime() + 10_000_000_000L;
            long flushed = 0;
            while (System.nanoTime() < deadline && flushed < confirmed[0]) {
                Object lsn = sql.cursor().execute("SELECT confirmed_flush_lsn::text FROM pg_replication_slots "
                        + "WHERE slot_name = %s", slot).fetchOne().get(0);
                flushed = Lsn.parse((String) lsn);
                Thread.sleep(50);
            }
            assertTrue(flushed >= confirmed[0], "confirmed_flush_lsn " + Lsn.format(flushed)
                    + " reached " + Lsn.format(confirmed[0]));
        }
    }

    @Test
    void physicalReplicationStreamsRawWal() {
        String slot = slot("pgreen_physical");
        try (PhysicalReplicationConnection repl = Pgreen.connect(server.dsn(), PhysicalReplicationConnection::new)) {
            ReplicationCursor cur = repl.cursor();
            cur.createReplicationSlot(slot);
            Object lsn = sql.cursor().execute("SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = %s",
                    slot).fetchOne().get(0);
            sql.cursor().execute("SELECT pg_switch_wal()");
            cur.startReplication(slot, ReplicationOptions.defaults().withStartLsn(Lsn.parse((String) lsn)));
            int[] bytes = {0};
            assertThrows(StopReplication.class, () -> cur.consumeStream(msg -> {
                assertInstanceOf(byte[].class, msg.payload());
                bytes[0] += msg.dataSize();
                if (bytes[0] > 0) throw new StopReplication();
            }));
            assertTrue(bytes[0] > 0);
        }
    }

    @Test
    void errorsAndMisuse() {
        try (LogicalReplicationConnection repl = Pgreen.connect(server.dsn(), LogicalReplicationConnection::new)) {
            ReplicationCursor cur = repl.cursor();
            assertThrows(ProgrammingException.class, () -> cur.consumeStream(m -> { }), "no stream yet");
            assertThrows(ProgrammingException.class, () -> cur.createReplicationSlot("physical_on_logical"));
            var e = assertThrows(dev.pgreen.errors.PgException.class,
                    () -> cur.startReplication("no_such_slot_here", true));
            assertEquals("42704", e.sqlState());
            Cursor plain = repl.cursor();
            assertEquals(1, plain.execute("SELECT 1").fetchOne().get(0), "SQL works on a logical walsender");
        }
    }

    @Test
    void asyncReplicationWithReadMessageAndASelector() throws Exception {
        String slot = slot("pgreen_async");
        try (LogicalReplicationConnection setup = Pgreen.connect(server.dsn(), LogicalReplicationConnection::new)) {
            setup.cursor().createReplicationSlot(slot, "test_decoding");
        }
        sql.cursor().execute("CREATE TABLE IF NOT EXISTS repl_a (x int)");
        sql.cursor().execute("INSERT INTO repl_a VALUES (42)");
        LogicalReplicationConnection repl = Pgreen.connectAsync(server.dsn(), LogicalReplicationConnection::new);
        try (Selector selector = Selector.open()) {
            for (PollState s = repl.poll(); s != PollState.OK; s = repl.poll()) {
                SelectionKey k = repl.channel().register(selector,
                        s == PollState.READ ? SelectionKey.OP_READ : SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
                selector.select(5_000);
                k.cancel();
                selector.selectNow();
            }
            ReplicationCursor cur = repl.cursor();
            cur.startReplication(slot, true);
            List<String> got = new ArrayList<>();
            repl.channel().register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (got.stream().noneMatch(p -> p.contains("repl_a: INSERT")) && System.nanoTime() < deadline) {
                ReplicationMessage m = cur.readMessage();
                if (m == null) {
                    selector.select(1_000);
                    selector.selectedKeys().clear();
                    continue;
                }
                got.add((String) m.payload());
            }
            assertTrue(got.stream().anyMatch(p -> p.contains("repl_a: INSERT: x[integer]:42")), got.toString());
        } finally {
            repl.close();
        }
    }
}
