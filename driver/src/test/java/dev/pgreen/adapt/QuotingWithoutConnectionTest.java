package dev.pgreen.adapt;

import static dev.pgreen.Extensions.adapt;
import static dev.pgreen.Extensions.quoted;
import static dev.pgreen.Extensions.registerAdapter;
import static dev.pgreen.Extensions.unregisterAdapter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL built from {@code adapt(x).getQuoted()} with no connection, as a user's own adapter or string building does
 * it, against a server in either standard_conforming_strings setting: every payload comes back unchanged and the
 * table it tries to drop is still there.
 */
@ExtendWith(PgServerExtension.class)
class QuotingWithoutConnectionTest {
    private static final List<String> PAYLOADS = List.of(
            "\\')::text; DROP TABLE t; --",
            "\\'); DROP TABLE t; --",
            "'); DROP TABLE t; --",
            "\\",
            "trailing backslash\\",
            "\\\\'",
            "''\\''",
            "\\x41\\101\\u0041\\n\\t",
            "C:\\temp\\new",
            "caf\u00e9 \u2603 \ud83d\ude00\\",
            "\u00e9\\'); DROP TABLE t; --\u00e9",
            "$$\\$$; DROP TABLE t; --",
            "plain");

    /** A user's composite adapter: both fields in one piece of SQL, each adapted without a connection. */
    record Pair(String a, String b) {}

    private Connection conn;
    private Cursor cur;

    @BeforeEach
    void connect(TestServer server) {
        conn = Pgreen.connect(server.dsn());
        cur = conn.cursor();
        cur.execute("CREATE TEMP TABLE t (a text, b text, c bytea)");
        registerAdapter(Pair.class, p -> new AsIs(quoted(adapt(p.a())) + ", " + quoted(adapt(p.b()))));
    }

    @AfterEach
    void close() {
        unregisterAdapter(Pair.class);
        if (conn != null) conn.close();
    }

    @ParameterizedTest(name = "standard_conforming_strings {0}")
    @ValueSource(strings = {"on", "off"})
    void stringsConcatenatedIntoSqlComeBackUnchanged(String setting) {
        forEachPayload(setting, payload -> {
            cur.execute("SELECT (" + quoted(adapt(payload)) + ")::text");
            assertEquals(payload, cur.fetchOne().get(0), payload);
        });
    }

    @ParameterizedTest(name = "standard_conforming_strings {0}")
    @ValueSource(strings = {"on", "off"})
    void aUsersCompositeAdapterKeepsEveryField(String setting) {
        forEachPayload(setting, payload -> {
            Pair pair = new Pair(payload, "x" + payload);
            // Through execute (the registered adapter runs, its nested adapt() has no connection) ...
            cur.execute("INSERT INTO t (a, b) VALUES (%s)", pair);
            // ... and built by hand.
            cur.execute("INSERT INTO t (a, b) VALUES (" + quoted(adapt(pair)) + ")");
            assertTableIntact();
            cur.execute("DELETE FROM t RETURNING a, b");
            List<Row> rows = cur.fetchAll();
            assertEquals(2, rows.size(), payload);
            for (Row row : rows) {
                assertEquals(payload, row.get(0), payload);
                assertEquals("x" + payload, row.get(1), payload);
            }
        });
    }

    @ParameterizedTest(name = "standard_conforming_strings {0}")
    @ValueSource(strings = {"on", "off"})
    void byteaArraysAndJsonConcatenatedIntoSqlComeBackUnchanged(String setting) {
        forEachPayload(setting, payload -> {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            cur.execute("SELECT " + quoted(adapt(bytes)));
            assertArrayEquals(bytes, (byte[]) cur.fetchOne().get(0), payload);

            cur.execute("SELECT " + quoted(adapt(List.of(payload, payload))));
            assertEquals(List.of(payload, payload), cur.fetchOne().get(0), payload);

            String json = "{\"k\": \"" + payload.replace("\\", "\\\\") + "\"}";
            cur.execute("SELECT (" + quoted(adapt(new Jsonb(json))) + ")->>'k'");
            assertEquals(payload, cur.fetchOne().get(0), payload);
        });
    }

    /** Runs {@code check} for every payload in a session with the setting given; the table must survive each. */
    private void forEachPayload(String setting, Consumer<String> check) {
        cur.execute("SET standard_conforming_strings = " + setting);
        for (String payload : PAYLOADS) {
            check.accept(payload);
            assertTableIntact();
        }
        // An E'' string draws no escape_string_warning, where '\' with the setting off would.
        assertTrue(conn.notices().isEmpty(), conn.notices().toString());
    }

    private void assertTableIntact() {
        cur.execute("SELECT to_regclass('pg_temp.t') IS NOT NULL");
        assertEquals(true, cur.fetchOne().get(0), "the table t was dropped");
    }
}
