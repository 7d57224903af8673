package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Cursor.stream: rows as the server sends them, in bounded memory. */
@ExtendWith(PgServerExtension.class)
class StreamTest {

    @Test
    void streamsEveryRowInOrderWithItsTypes(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            Cursor cur = conn.cursor();
            AtomicLong sum = new AtomicLong();
            long n;
            try (Stream<Row> rows = cur.stream("SELECT g, 'row ' || g, g::numeric / 4 FROM generate_series(1, %s) g",
                    100_000)) {
                n = rows.peek(r -> {
                    int g = r.get(0, int.class);
                    assertEquals("row " + g, r.get(1));
                    assertEquals(BigDecimal.valueOf(g).divide(BigDecimal.valueOf(4)).compareTo((BigDecimal) r.get(2)), 0);
                    sum.addAndGet(g);
                }).count();
            }
            assertEquals(100_000, n);
            assertEquals(100_000L * 100_001 / 2, sum.get());
            assertEquals(List.of("g", "?column?", "?column?"), cur.description().stream().map(Column::name).toList());
            assertEquals(100_000, cur.rowCount());
            assertEquals("SELECT 100000", cur.statusMessage());
            assertEquals(1, cur.execute("SELECT 1").fetchOne().get(0), "usable afterwards");
        }
    }

    @Test
    void theMapFormAndAnEmptyResult(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            try (Stream<Row> rows = conn.cursor().stream("SELECT %(a)s::int + 1", Map.of("a", 41))) {
                assertEquals(List.of(42), rows.map(r -> r.get(0)).toList());
            }
            try (Stream<Row> rows = conn.cursor().stream("SELECT 1 WHERE false")) {
                assertEquals(0, rows.count());
            }
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus(), "outside autocommit a transaction opened");
            conn.rollback();
        }
    }

    @Test
    void closingEarlyCancelsTheRestAndKeepsTheConnection(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            Cursor cur = conn.cursor();
            long start = System.nanoTime();
            try (Stream<Row> rows = cur.stream("SELECT generate_series(1, 200000000)")) {
                Iterator<Row> it = rows.iterator();
                for (int i = 1; i <= 1000; i++) {
                    assertEquals(i, it.next().get(0));
                }
            }
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "the rest was cancelled, not read");
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
            assertEquals(2, cur.execute("SELECT 2").fetchOne().get(0));
        }
    }

    @Test
    void anotherCommandWhileAStreamIsOpenIsRefused(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            try (Stream<Row> rows = conn.cursor().stream("SELECT g FROM generate_series(1, 100000) g")) {
                Iterator<Row> it = rows.iterator();
                assertEquals(1, it.next().get(0));
                ProgrammingException e = assertThrows(ProgrammingException.class,
                        () -> conn.cursor().execute("SELECT 1"));
                assertTrue(e.getMessage().contains("stream"), e.getMessage());
                assertEquals(2, it.next().get(0), "the stream goes on");
            }
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void anErrorMidStreamIsRaisedWhenTheStreamReachesIt(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            AtomicLong seen = new AtomicLong();
            try (Stream<Row> rows = conn.cursor().stream("SELECT 1 / (50000 - g) FROM generate_series(1, 60000) g")) {
                assertThrows(DataException.class, () -> rows.forEach(r -> seen.incrementAndGet()));
            }
            assertTrue(seen.get() > 0, "the rows before the error came through");
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void severalStatementsStreamEachResultWithItsColumns(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            Cursor cur = conn.cursor();
            try (Stream<Row> rows = cur.stream("SELECT 1 AS a; SELECT 'x' AS b, 2 AS c")) {
                assertEquals(List.of(List.of(1), List.of("x", 2)), rows.map(Row::toList).toList());
            }
            assertEquals("b", cur.description().get(0).name());
        }
    }

    @Test
    void streamsThroughTheWaitCallback(TestServer server) {
        WaitCallbackTest.RecordingWait wait = new WaitCallbackTest.RecordingWait();
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            conn.setWaitCallback(wait);
            try (Stream<Row> rows = conn.cursor().stream("SELECT repeat('x', 1000) FROM generate_series(1, 20000)")) {
                assertEquals(20_000, rows.count());
            }
            assertTrue(wait.calls.get() > 1, "the waits went through the callback");
        }
    }
}
