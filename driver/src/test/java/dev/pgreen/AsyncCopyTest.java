package dev.pgreen;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static dev.pgreen.AsyncTest.drive;
import static org.junit.jupiter.api.Assertions.*;

/** COPY on asynchronous connections: AsyncCopy, driven by poll() between the caller's own reads and writes. */
@ExtendWith(PgServerExtension.class)
class AsyncCopyTest {

    private static Connection connected(TestServer server) throws IOException {
        Connection conn = Pgreen.connectAsync(server.dsn());
        drive(conn);
        return conn;
    }

    /** A connected asynchronous connection with the temporary table {@code ddl} creates. */
    private static Connection connectedWith(TestServer server, String ddl) throws IOException {
        Connection conn = connected(server);
        conn.cursor().execute(ddl);
        drive(conn);
        return conn;
    }

    private static Object scalar(Connection conn, String sql) throws IOException {
        Cursor cur = conn.cursor().execute(sql);
        drive(conn);
        return cur.fetchOne().get(0);
    }

    @Test
    void copyInThenOut(TestServer server) throws IOException {
        try (Connection conn = connectedWith(server, "CREATE TEMP TABLE ac (id int, t text)")) {
            AsyncCopy in = AsyncCopy.from(conn, "COPY ac FROM STDIN");
            assertThrows(ProgrammingException.class, () -> conn.cursor().execute("SELECT 1"),
                    "nothing else while a COPY runs");
            int next = 1;
            for (;;) {
                drive(conn);
                if (in.isComplete()) {
                    break;
                }
                assertTrue(in.wantsInput());
                if (next <= 1000) {
                    in.write((next + "\trow " + next + "\n").getBytes(StandardCharsets.UTF_8));
                    next++;
                } else {
                    in.end();
                }
            }
            assertEquals(1000, in.rowCount());

            AsyncCopy out = AsyncCopy.to(conn, "COPY (SELECT * FROM ac ORDER BY id) TO STDOUT");
            assertThrows(ProgrammingException.class, () -> out.write(new byte[1]), "input is for COPY FROM");
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!out.isComplete()) {
                drive(conn);
                for (byte[] row : out.takeReceived()) {
                    got.writeBytes(row);
                }
            }
            assertEquals(1000, out.rowCount());
            String text = got.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("1\trow 1\n2\trow 2\n") && text.endsWith("1000\trow 1000\n"), text);
            assertEquals(1000L, scalar(conn, "SELECT count(*) FROM ac"));
        }
    }

    @Test
    void failAbandonsAndAServerErrorComesFromPoll(TestServer server) throws IOException {
        try (Connection conn = connectedWith(server, "CREATE TEMP TABLE ac2 (id int)")) {
            AsyncCopy in = AsyncCopy.from(conn, "COPY ac2 FROM STDIN");
            drive(conn);
            in.write("1\n".getBytes(StandardCharsets.UTF_8));
            drive(conn);
            in.fail("changed my mind");
            OperationalException e = assertThrows(OperationalException.class, () -> drive(conn));
            assertTrue(e.getMessage().contains("changed my mind"), e.getMessage());
            assertTrue(in.isComplete());

            AsyncCopy bad = AsyncCopy.from(conn, "COPY ac2 FROM STDIN");
            drive(conn);
            bad.write("2\nnot a number\n".getBytes(StandardCharsets.UTF_8));
            bad.end();
            DataException d = assertThrows(DataException.class, () -> drive(conn));
            assertEquals("22P02", d.sqlState());
            assertEquals(0L, scalar(conn, "SELECT count(*) FROM ac2"), "neither COPY copied anything");
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus());
        }
    }

    @Test
    void refusedOnSynchronousConnectionsAndStreamCopyNamesIt(TestServer server) throws IOException {
        try (Connection sync = Pgreen.connect(server.dsn())) {
            assertThrows(ProgrammingException.class, () -> AsyncCopy.from(sync, "COPY t FROM STDIN"));
        }
        try (Connection conn = connected(server)) {
            ProgrammingException e = assertThrows(ProgrammingException.class,
                    () -> conn.cursor().copyExpert("COPY (SELECT 1) TO STDOUT", new ByteArrayOutputStream()));
            assertTrue(e.getMessage().contains("AsyncCopy"), e.getMessage());
        }
    }

    @Test
    void anotherCursorsResultStaysFetchableWhileAQueryRuns(TestServer server) throws IOException {
        try (Connection conn = connected(server)) {
            Cursor first = conn.cursor().execute("SELECT 1");
            drive(conn);
            Cursor second = conn.cursor().execute("SELECT pg_sleep(0.05), 2");
            assertEquals(1, first.fetchOne().get(0), "its result is in memory already");
            assertThrows(ProgrammingException.class, second::fetchOne, "but not the running query's");
            drive(conn);
            assertEquals(2, second.fetchOne().get(1));
        }
    }
}
