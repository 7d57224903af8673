package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** COPY FROM STDIN and TO STDOUT, streamed through the wait callback (psycopg2's test_copy.py cases). */
@ExtendWith(PgServerExtension.class)
class CopyTest {

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Connection withTable(TestServer server) {
        Connection conn = Pgreen.connect(server.dsn());
        conn.cursor().execute("CREATE TEMP TABLE tcopy (id int, data text)");
        conn.commit();
        return conn;
    }

    @Test
    void copyFromAndToRoundTrip(TestServer server) {
        try (Connection conn = withTable(server)) {
            Cursor cur = conn.cursor();
            cur.copyFrom(text("1\tone\n2\t\\N\n3\tthree é\n"), "tcopy");
            assertEquals(3, cur.rowCount());
            assertEquals("COPY 3", cur.statusMessage());
            assertEquals(TransactionStatus.INTRANS, conn.transactionStatus(), "COPY runs inside the transaction");
            assertNull(conn.cursor().execute("SELECT data FROM tcopy WHERE id = 2").fetchOne().get(0));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            cur.copyTo(out, "tcopy");
            assertEquals("1\tone\n2\t\\N\n3\tthree é\n", out.toString(StandardCharsets.UTF_8));
            assertEquals(3, cur.rowCount());
        }
    }

    @Test
    void separatorNullStringAndColumns(TestServer server) {
        try (Connection conn = withTable(server)) {
            Cursor cur = conn.cursor();
            cur.copyFrom(text("a|10\nNULL|20\n"), "tcopy", "|", "NULL", List.of("data", "id"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            cur.copyTo(out, "tcopy", ",", "-", List.of("id", "data"));
            assertEquals("10,a\n20,-\n", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void copyExpertWithCsvAndAQuery(TestServer server) {
        try (Connection conn = withTable(server)) {
            Cursor cur = conn.cursor();
            cur.copyExpert("COPY tcopy FROM STDIN WITH (FORMAT csv, HEADER)", text("id,data\n1,\"a,b\"\n"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            cur.copyExpert("COPY (SELECT data, id * 2 FROM tcopy) TO STDOUT WITH (FORMAT csv)", out);
            assertEquals("\"a,b\",2\n", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aLargeCopyIsStreamedInChunksThroughTheCallback(TestServer server) {
        try (Connection conn = withTable(server)) {
            AtomicInteger waits = new AtomicInteger();
            conn.setWaitCallback(c -> {
                waits.incrementAndGet();
                new WaitCallbackTest.RecordingWait().await(c);
            });
            int rows = 200_000;
            InputStream generated = new InputStream() {
                private int row;
                private byte[] line = new byte[0];
                private int pos;

                @Override
                public int read() {
                    if (pos == line.length) {
                        if (row == rows) return -1;
                        line = (row + "\tpayload-" + row++ + "\n").getBytes(StandardCharsets.UTF_8);
                        pos = 0;
                    }
                    return line[pos++];
                }
            };
            Cursor cur = conn.cursor();
            cur.copyFrom(generated, "tcopy");
            assertEquals(rows, cur.rowCount());
            CountingStream sink = new CountingStream();
            cur.copyTo(sink, "tcopy");
            assertEquals(rows, sink.lines);
            // The streams are read and written between waits, never inside poll(): the callback returns for each
            // chunk of input (64 KB) and for each read's worth of output.
            assertTrue(waits.get() > 2 * 10, "the callback is called chunk by chunk: " + waits.get());
        }
    }

    static final class CountingStream extends OutputStream {
        int lines;

        @Override
        public void write(int b) {
            if (b == '\n') lines++;
        }
    }

    @Test
    void badDataFailsWithTheServersErrorAndTheConnectionRecovers(TestServer server) {
        try (Connection conn = withTable(server)) {
            DataException e = assertThrows(DataException.class,
                    () -> conn.cursor().copyFrom(text("1\tok\nnot-a-number\tbad\n"), "tcopy"));
            assertEquals("22P02", e.sqlState());
            assertEquals(TransactionStatus.INERROR, conn.transactionStatus());
            conn.rollback();
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void aFailingInputStreamAbortsTheCopyCleanly(TestServer server) {
        try (Connection conn = withTable(server)) {
            conn.setAutocommit(true);
            InputStream broken = new InputStream() {
                private int n;

                @Override
                public int read() throws IOException {
                    if (n++ > 100) throw new IOException("disk on fire");
                    return n % 10 == 0 ? '\n' : '7';
                }
            };
            OperationalException e = assertThrows(OperationalException.class,
                    () -> conn.cursor().copyFrom(broken, "tcopy", "\t", "\\N", List.of("id")));
            assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
            assertEquals(0L, conn.cursor().execute("SELECT count(*) FROM tcopy").fetchOne().get(0));
        }
    }

    @Test
    void copyThroughExecuteIsRefusedWithAHint(TestServer server) {
        try (Connection conn = withTable(server)) {
            ProgrammingException in = assertThrows(ProgrammingException.class,
                    () -> conn.cursor().execute("COPY tcopy FROM STDIN"));
            assertTrue(in.getMessage().contains("copyFrom"), in.getMessage());
            conn.rollback();
            ProgrammingException out = assertThrows(ProgrammingException.class,
                    () -> conn.cursor().execute("COPY tcopy TO STDOUT"));
            assertTrue(out.getMessage().contains("copyTo"), out.getMessage());
            conn.rollback();
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }

    @Test
    void directionMismatchIsAProgrammingError(TestServer server) {
        try (Connection conn = withTable(server)) {
            assertThrows(ProgrammingException.class,
                    () -> conn.cursor().copyExpert("COPY tcopy TO STDOUT", text("")));
            conn.rollback();
            assertThrows(ProgrammingException.class,
                    () -> conn.cursor().copyExpert("COPY tcopy FROM STDIN", new ByteArrayOutputStream()));
            conn.rollback();
            assertEquals(2, conn.cursor().execute("SELECT 2").fetchOne().get(0));
        }
    }

    @Test
    void quotedTableAndColumnNames(TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.cursor().execute("CREATE TEMP TABLE \"Mixed Case\" (\"Col\" text)");
            Cursor cur = conn.cursor();
            cur.copyFrom(text("x\n"), "Mixed Case", "\t", "\\N", List.of("Col"));
            assertEquals("x", conn.cursor().execute("SELECT \"Col\" FROM \"Mixed Case\"").fetchOne().get(0));
        }
    }
}
