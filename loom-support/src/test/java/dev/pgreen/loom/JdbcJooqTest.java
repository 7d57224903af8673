package dev.pgreen.loom;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** jOOQ's DSL against the POSTGRES dialect through HikariCP and jdbc:pgreen, on virtual threads. */
@ExtendWith(PgServerExtension.class)
class JdbcJooqTest {
    private static final Table<Record> BOOK = DSL.table(DSL.name("jdbc_jooq_book"));
    private static final Field<Integer> ID = DSL.field(DSL.name("id"), SQLDataType.INTEGER.identity(true));
    private static final Field<String> TITLE = DSL.field(DSL.name("title"), SQLDataType.VARCHAR(100).nullable(false));
    private static final Field<BigDecimal> PRICE = DSL.field(DSL.name("price"), SQLDataType.NUMERIC(8, 2));
    private static final Field<LocalDate> PUBLISHED = DSL.field(DSL.name("published"), SQLDataType.LOCALDATE);
    private static final Field<UUID> REF = DSL.field(DSL.name("ref"), SQLDataType.UUID);
    private static final Field<OffsetDateTime> ADDED = DSL.field(DSL.name("added"), SQLDataType.TIMESTAMPWITHTIMEZONE);

    @AfterAll
    static void restore() {
        TestWait.install();
    }

    @Test
    void dslQueriesTransactionsAndBatchesRunOnVirtualThreads(TestServer server) throws Exception {
        Loom.install();
        try (HikariDataSource ds = JdbcLibraries.pool(server, 4)) {
            DSLContext ctx = DSL.using(ds, SQLDialect.POSTGRES);
            JdbcLibraries.onVirtualThread(() -> {
                ctx.dropTableIfExists(BOOK).execute();
                ctx.createTable(BOOK).columns(ID, TITLE, PRICE, PUBLISHED, REF, ADDED)
                        .constraints(DSL.primaryKey(ID), DSL.unique(TITLE)).execute();
                UUID ref = UUID.randomUUID();
                OffsetDateTime added = OffsetDateTime.parse("2024-03-01T10:15:30+02:00");
                Record inserted = ctx.insertInto(BOOK, TITLE, PRICE, PUBLISHED, REF, ADDED)
                        .values("Dune", new BigDecimal("9.99"), LocalDate.of(1965, 8, 1), ref, added)
                        .returning(ID).fetchOne();
                assertEquals(1, inserted.get(ID));
                ctx.batch(ctx.insertInto(BOOK, TITLE, PRICE).values((String) null, null))
                        .bind("Emma", new BigDecimal("5.00")).bind("Ulysses", new BigDecimal("12.50")).execute();

                Result<? extends Record> cheap = ctx.select(ID, TITLE, PRICE, PUBLISHED, REF, ADDED).from(BOOK)
                        .where(PRICE.lt(new BigDecimal("10"))).orderBy(TITLE).fetch();
                assertEquals(List.of("Dune", "Emma"), cheap.getValues(TITLE));
                assertEquals(LocalDate.of(1965, 8, 1), cheap.get(0).get(PUBLISHED));
                assertEquals(ref, cheap.get(0).get(REF));
                assertEquals(added.toInstant(), cheap.get(0).get(ADDED).toInstant());
                assertEquals(3, ctx.fetchCount(BOOK));
                assertEquals(new BigDecimal("27.49"), ctx.select(DSL.sum(PRICE)).from(BOOK).fetchOne(0, BigDecimal.class));

                ctx.transaction(cfg -> DSL.using(cfg).update(BOOK).set(PRICE, PRICE.mul(2)).where(TITLE.eq("Emma"))
                        .execute());
                assertEquals(new BigDecimal("10.00"), ctx.select(PRICE).from(BOOK).where(TITLE.eq("Emma")).fetchOne(PRICE));
                assertThrows(RuntimeException.class, () -> ctx.transaction(cfg -> {
                    DSL.using(cfg).deleteFrom(BOOK).execute();
                    throw new IllegalStateException("roll back");
                }));
                assertEquals(3, ctx.fetchCount(BOOK), "the failed transaction was rolled back");
                DataAccessException dup = assertThrows(DataAccessException.class,
                        () -> ctx.insertInto(BOOK, TITLE).values("Dune").execute());
                assertEquals("23505", dup.sqlState());
                // Plain SQL with bind values, and the result's metadata.
                Result<Record> plain = ctx.fetch("SELECT title, price FROM jdbc_jooq_book WHERE title = ?", "Ulysses");
                assertEquals("Ulysses", plain.get(0).get("title"));
                assertEquals(new BigDecimal("12.50"), plain.get(0).get("price"));
                return null;
            });
        }
    }
}
