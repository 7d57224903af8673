package dev.pgreen.extras;

import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

@ExtendWith(PgServerExtension.class)
class LoggingConnectionTest {

    @Test
    void logsTheMogrifiedQuery(TestServer server) {
        try (LoggingConnection conn = Pgreen.connect(server.dsn(), LoggingConnection::new)) {
            List<String> lines = new ArrayList<>();
            conn.initialize(lines::add);
            Cursor cur = conn.cursor();
            assertInstanceOf(LoggingCursor.class, cur);
            cur.execute("SELECT %s, %s", 10, "it's");
            cur.execute("SELECT %(a)s", Map.of("a", 1));
            assertEquals(List.of("SELECT 10, 'it''s'", "SELECT 1"), lines);
        }
    }

    @Test
    void logsAndRethrowsErrors(TestServer server) {
        try (LoggingConnection conn = Pgreen.connect(server.dsn(), LoggingConnection::new)) {
            StringBuilder log = new StringBuilder();
            conn.initialize(log);
            ProgrammingException e = assertThrows(ProgrammingException.class,
                    () -> conn.cursor().execute("SELECT * FROM no_such_table_%s", 1));
            assertEquals("42P01", e.sqlState());
            String text = log.toString();
            assertTrue(text.contains("error: ProgrammingException [42P01]"), text);
            assertTrue(text.contains("SELECT * FROM no_such_table_1"), text);
        }
    }

    @Test
    void filterCanRewriteOrDropMessages(TestServer server) {
        class Redacting extends LoggingConnection {
            Redacting(dev.pgreen.ConnectInfo info) {
                super(info);
            }

            @Override
            protected String filter(String msg, Cursor cur) {
                return msg.contains("secret") ? null : "[app] " + msg;
            }
        }
        try (Redacting conn = Pgreen.connect(server.dsn(), Redacting::new)) {
            List<String> lines = new ArrayList<>();
            conn.initialize(lines::add);
            conn.cursor().execute("SELECT 'secret'");
            conn.cursor().execute("SELECT 2");
            assertEquals(List.of("[app] SELECT 2"), lines);
        }
    }

    @Test
    void usingItBeforeInitializeIsAnError(TestServer server) {
        try (LoggingConnection conn = Pgreen.connect(server.dsn(), LoggingConnection::new)) {
            ProgrammingException e = assertThrows(ProgrammingException.class, () -> conn.cursor().execute("SELECT 1"));
            assertTrue(e.getMessage().contains("initialize"), e.getMessage());
        }
    }
}
