package dev.pgreen.loom;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Flyway, unchanged, migrates a real migration set (a table, an index, a plpgsql function, data) through
 * HikariCP and jdbc:pgreen, on a virtual thread with Loom.install(); a second migrate finds nothing to do.
 */
@ExtendWith(PgServerExtension.class)
class JdbcFlywayTest {
    @AfterAll
    static void restore() {
        TestWait.install();
    }

    @Test
    void flywayMigratesCleansAndValidates(TestServer server) throws Exception {
        Loom.install();
        try (HikariDataSource ds = JdbcLibraries.pool(server, 4)) {
            Flyway flyway = Flyway.configure()
                    .dataSource(ds)
                    .schemas("jdbc_flyway")
                    .createSchemas(true)
                    .cleanDisabled(false)
                    .locations("classpath:db/jdbc-migration")
                    .load();
            MigrateResult result = JdbcLibraries.onVirtualThread(() -> {
                flyway.clean();
                return flyway.migrate();
            });
            assertTrue(result.success);
            assertEquals(4, result.migrationsExecuted);
            assertEquals("4", result.targetSchemaVersion);
            assertTrue(Arrays.stream(flyway.info().all()).allMatch(m -> m.getState() == MigrationState.SUCCESS),
                    Arrays.toString(flyway.info().all()));
            assertEquals(0, JdbcLibraries.onVirtualThread(flyway::migrate).migrationsExecuted);
            JdbcLibraries.onVirtualThread(() -> {
                flyway.validate();
                return null;
            });
            try (Connection c = ds.getConnection();
                 ResultSet rs = c.createStatement().executeQuery(
                         "SELECT owner, balance FROM jdbc_flyway.account ORDER BY owner")) {
                assertTrue(rs.next());
                assertEquals(new BigDecimal("74.50"), rs.getBigDecimal("balance"));
                assertTrue(rs.next());
                assertEquals(new BigDecimal("75.50"), rs.getBigDecimal("balance"));
                ResultSet idx = c.getMetaData().getIndexInfo(null, "jdbc_flyway", "account", true, false);
                boolean found = false;
                while (idx.next()) {
                    found |= idx.getString("INDEX_NAME").equals("account_owner_idx");
                }
                assertTrue(found, "the index of V2 exists");
            }
        }
    }
}
