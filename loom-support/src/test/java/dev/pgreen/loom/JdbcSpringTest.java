package dev.pgreen.loom;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Spring's JdbcTemplate, NamedParameterJdbcTemplate and DataSourceTransactionManager (TransactionTemplate
 * commit and rollback, a read-only transaction) through HikariCP and jdbc:pgreen, on virtual threads.
 */
@ExtendWith(PgServerExtension.class)
class JdbcSpringTest {
    @AfterAll
    static void restore() {
        TestWait.install();
    }

    @Test
    void jdbcTemplateAndTransactionTemplate(TestServer server) throws Exception {
        Loom.install();
        try (HikariDataSource ds = JdbcLibraries.pool(server, 4)) {
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(jdbc);
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
            JdbcLibraries.onVirtualThread(() -> {
                jdbc.execute("DROP TABLE IF EXISTS jdbc_spring_order; CREATE TABLE jdbc_spring_order "
                        + "(id serial PRIMARY KEY, item text UNIQUE NOT NULL, amount numeric(10,2), note text)");
                assertEquals(1, jdbc.update("INSERT INTO jdbc_spring_order (item, amount, note) VALUES (?, ?, ?)",
                        "pen", new BigDecimal("1.50"), null));
                GeneratedKeyHolder keys = new GeneratedKeyHolder();
                jdbc.update(con -> {
                    PreparedStatement ps = con.prepareStatement(
                            "INSERT INTO jdbc_spring_order (item, amount) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS);
                    ps.setString(1, "ink");
                    ps.setBigDecimal(2, new BigDecimal("3.00"));
                    return ps;
                }, keys);
                assertEquals(2, keys.getKeys().get("id"));
                int[][] counts = jdbc.batchUpdate("INSERT INTO jdbc_spring_order (item, amount) VALUES (?, ?)",
                        List.of(new Object[] {"a", 1}, new Object[] {"b", 2}, new Object[] {"c", 3}), 2,
                        (ps, args) -> {
                            ps.setString(1, (String) args[0]);
                            ps.setInt(2, (Integer) args[1]);
                        });
                assertEquals(2, counts.length);
                assertEquals(5, jdbc.queryForObject("SELECT count(*) FROM jdbc_spring_order", Integer.class));
                assertEquals(List.of("a", "b", "pen"), jdbc.queryForList(
                        "SELECT item FROM jdbc_spring_order WHERE amount < ? ORDER BY item", String.class, 3));
                Map<String, Object> pen = named.queryForMap("SELECT * FROM jdbc_spring_order WHERE item = :item",
                        new MapSqlParameterSource("item", "pen"));
                assertEquals(new BigDecimal("1.50"), pen.get("amount"));
                assertNull(pen.get("note"));
                assertThrows(DuplicateKeyException.class,
                        () -> jdbc.update("INSERT INTO jdbc_spring_order (item) VALUES ('pen')"));

                tx.executeWithoutResult(status -> jdbc.update("UPDATE jdbc_spring_order SET note = 'sold'"));
                assertEquals(5, jdbc.queryForObject("SELECT count(note) FROM jdbc_spring_order", Integer.class));
                assertThrows(IllegalStateException.class, () -> tx.executeWithoutResult(status -> {
                    jdbc.update("DELETE FROM jdbc_spring_order");
                    throw new IllegalStateException("roll back");
                }));
                tx.executeWithoutResult(status -> {
                    jdbc.update("DELETE FROM jdbc_spring_order WHERE item = 'a'");
                    status.setRollbackOnly();
                });
                assertEquals(5, jdbc.queryForObject("SELECT count(*) FROM jdbc_spring_order", Integer.class),
                        "both rolled back");
                TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(ds));
                readOnly.setReadOnly(true);
                assertThrows(Exception.class, () -> readOnly.executeWithoutResult(
                        status -> jdbc.update("DELETE FROM jdbc_spring_order")));
                Integer readCount = readOnly.execute(status -> jdbc.queryForObject(
                        "SELECT count(*) FROM jdbc_spring_order", Integer.class));
                assertEquals(5, readCount);
                return null;
            });
        }
    }
}
