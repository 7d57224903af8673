package dev.pgreen.loom;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** jdbi's handles, binding, mapping, batches and transactions through HikariCP and jdbc:pgreen, on virtual threads. */
@ExtendWith(PgServerExtension.class)
class JdbcJdbiTest {
    record Person(int id, String name, LocalDateTime seen) {}

    @AfterAll
    static void restore() {
        TestWait.install();
    }

    @Test
    void handlesBindMapAndTransact(TestServer server) throws Exception {
        Loom.install();
        try (HikariDataSource ds = JdbcLibraries.pool(server, 4)) {
            Jdbi jdbi = Jdbi.create(ds);
            JdbcLibraries.onVirtualThread(() -> {
                jdbi.useHandle(h -> h.execute("DROP TABLE IF EXISTS jdbc_jdbi_person; "
                        + "CREATE TABLE jdbc_jdbi_person (id int PRIMARY KEY, name text NOT NULL, seen timestamp)"));
                LocalDateTime seen = LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_000_000);
                jdbi.useHandle(h -> {
                    assertEquals(1, h.createUpdate("INSERT INTO jdbc_jdbi_person VALUES (:id, :name, :seen)")
                            .bind("id", 1).bind("name", "Ada").bind("seen", seen).execute());
                    PreparedBatch batch = h.prepareBatch("INSERT INTO jdbc_jdbi_person (id, name) VALUES (:id, :name)");
                    batch.bind("id", 2).bind("name", "Grace").add();
                    batch.bind("id", 3).bind("name", "Linus").add();
                    assertArrayEquals(new int[] {1, 1}, batch.execute());
                });
                List<String> names = jdbi.withHandle(h -> h.createQuery(
                        "SELECT name FROM jdbc_jdbi_person WHERE id > :min ORDER BY id").bind("min", 1)
                        .mapTo(String.class).list());
                assertEquals(List.of("Grace", "Linus"), names);
                Person ada = jdbi.withHandle(h -> h.createQuery("SELECT id, name, seen FROM jdbc_jdbi_person WHERE id = ?")
                        .bind(0, 1).map((rs, ctx) -> new Person(rs.getInt("id"), rs.getString("name"),
                                rs.getObject("seen", LocalDateTime.class))).one());
                assertEquals(new Person(1, "Ada", seen), ada);
                Optional<Map<String, Object>> row = jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, name FROM jdbc_jdbi_person WHERE name = :n").bind("n", "Linus").mapToMap().findOne());
                assertEquals(3, row.orElseThrow().get("id"));

                jdbi.useTransaction(h -> h.execute("UPDATE jdbc_jdbi_person SET name = upper(name) WHERE id = 1"));
                assertThrows(IllegalStateException.class, () -> jdbi.useTransaction(h -> {
                    h.execute("DELETE FROM jdbc_jdbi_person");
                    throw new IllegalStateException("roll back");
                }));
                int count = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM jdbc_jdbi_person")
                        .mapTo(Integer.class).one());
                assertEquals(3, count);
                assertEquals("ADA", jdbi.withHandle(h -> h.createQuery("SELECT name FROM jdbc_jdbi_person WHERE id = 1")
                        .mapTo(String.class).one()));
                return null;
            });
        }
    }
}
