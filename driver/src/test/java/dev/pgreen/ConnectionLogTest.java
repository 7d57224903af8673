package dev.pgreen;

import dev.pgreen.testing.LogCapture;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** What a connection logs (System.Logger): warnings a user needs, slow statements. */
@ExtendWith(PgServerExtension.class)
class ConnectionLogTest {

    @Test
    void awaitingInsideTheTransactionThatRanListenWarns(TestServer server) {
        try (LogCapture log = LogCapture.of(Connection.class);
             Connection conn = Pgreen.connect(server.dsn())) {
            conn.cursor().execute("LISTEN uncommitted");
            assertEquals(0, conn.awaitNotifies(Duration.ofMillis(50)));
            assertTrue(log.has(java.util.logging.Level.WARNING, "LISTEN"), "a warning says why nothing can arrive");
            log.clear();
            conn.commit();
            assertEquals(0, conn.awaitNotifies(Duration.ofMillis(50)));
            assertFalse(log.has(java.util.logging.Level.WARNING, ""), "no warning once the LISTEN is committed");
        }
    }

    @Test
    void slowStatementsAreLoggedWithTheirSql(TestServer server) {
        try (LogCapture log = LogCapture.of(Connection.class);
             Connection conn = Pgreen.connect(server.dsn())) {
            conn.setSlowStatementThreshold(Duration.ofMillis(100));
            conn.cursor().execute("SELECT 'quick'");
            assertFalse(log.has(java.util.logging.Level.INFO, "slow statement"), "a quick one is not logged");
            conn.cursor().execute("SELECT 'sleepy', pg_sleep(0.2)");
            assertTrue(log.has(java.util.logging.Level.INFO, "slow statement"), String.valueOf(log.records()));
            assertTrue(log.has(java.util.logging.Level.INFO, "SELECT 'sleepy', pg_sleep(0.2)"), "names the SQL");
        }
    }
}
