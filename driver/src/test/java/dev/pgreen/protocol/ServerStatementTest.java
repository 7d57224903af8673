package dev.pgreen.protocol;

import static dev.pgreen.protocol.Bytes.concat;
import static dev.pgreen.protocol.Bytes.drain;
import static dev.pgreen.protocol.Bytes.frame;
import static dev.pgreen.protocol.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.Diagnostics;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a prepared statement sends as it is parsed, described once, executed and parsed again, as bytes. */
class ServerStatementTest {
    private final ProtocolCore core = new ProtocolCore(new SessionListener() {
        public void notice(Diagnostics notice) { }

        public void notification(int processId, String channel, String payload) { }

        public void parameterChanged(String name, String value) { }
    });

    private void receive(byte[]... frames) {
        ByteBuffer buf = core.decoder().buffer();
        buf.put(concat(frames));
        core.processReceived();
    }

    private static void assertBytes(byte[] expected, byte[] actual) {
        assertArrayEquals(expected, actual, () -> "expected " + hex(expected) + "\n but was " + hex(actual));
    }

    private static byte[] parse(String name, String sql) {
        return frame('P').cstring(name).cstring(sql).int16(0).build();
    }

    private static byte[] describeStatement(String name) {
        return frame('D').int8('S').cstring(name).build();
    }

    private static byte[] bind(String name, String param) {
        return frame('B').cstring("").cstring(name).int16(0).int16(1).int32(param.length()).string(param)
                .int16(0).build();
    }

    private static byte[] describePortal() {
        return frame('D').int8('P').cstring("").build();
    }

    private static byte[] execute() {
        return frame('E').cstring("").int32(0).build();
    }

    private static byte[] sync() {
        return frame('S').build();
    }

    private static byte[] parameterDescription(int oid) {
        return frame('t').int16(1).int32(oid).build();
    }

    private static byte[][] params(String value) {
        return new byte[][] {Bytes.utf8(value)};
    }

    @Test
    void describedOnceThenExecutedWithBindAndExecuteAlone() {
        ServerStatement st = new ServerStatement("pgreen_1", "SELECT $1::text AS a", null);
        ExtendedQueryOperation first = ExtendedQueryOperation.single(st, params("x"));
        core.submit(first);
        assertBytes(concat(parse("pgreen_1", "SELECT $1::text AS a"), describeStatement("pgreen_1"),
                bind("pgreen_1", "x"), execute(), sync()), drain(core.encoder()));
        assertTrue(first.parses());
        receive(frame('1').build(), parameterDescription(25), Bytes.rowDescription("a"), frame('2').build(),
                Bytes.dataRow("x"), Bytes.commandComplete("SELECT 1"), Bytes.readyForQuery('I'));
        assertTrue(first.parsed());
        QueryResult one = first.result();
        assertEquals("a", one.fields().getFirst().name());
        assertEquals(1, one.rows().size());
        assertFalse(st.needsParse());

        ExtendedQueryOperation second = ExtendedQueryOperation.single(st, params("y"));
        core.submit(second);
        assertBytes(concat(bind("pgreen_1", "y"), execute(), sync()), drain(core.encoder()));
        assertFalse(second.parses());
        receive(frame('2').build(), Bytes.dataRow("y"), Bytes.commandComplete("SELECT 1"), Bytes.readyForQuery('I'));
        QueryResult two = second.result();
        assertSame(one.fields(), two.fields(), "the statement's description, not a new one");
        assertEquals("y", two.rows().getFirst().text(0));
        assertEquals(1, second.rowCount());
    }

    @Test
    void aStaleStatementIsClosedAndParsedAgainUnderItsName() {
        ServerStatement st = new ServerStatement("pgreen_7", "SELECT $1::text AS a", null);
        st.parsing();
        st.stale();
        ExtendedQueryOperation op = ExtendedQueryOperation.single(st, params("x"));
        core.submit(op);
        assertBytes(concat(frame('C').int8('S').cstring("pgreen_7").build(), parse("pgreen_7", "SELECT $1::text AS a"),
                describeStatement("pgreen_7"), bind("pgreen_7", "x"), execute(), sync()), drain(core.encoder()));
        receive(frame('3').build(), frame('1').build(), parameterDescription(25), Bytes.rowDescription("b"),
                frame('2').build(), Bytes.dataRow("x"), Bytes.commandComplete("SELECT 1"), Bytes.readyForQuery('I'));
        assertEquals("b", op.result().fields().getFirst().name());
        assertFalse(st.needsParse());
    }

    @Test
    void aStatementWithoutColumnsIsDescribedOnceToo() {
        ServerStatement st = new ServerStatement("pgreen_2", "INSERT INTO t VALUES ($1)", null);
        ExtendedQueryOperation first = ExtendedQueryOperation.single(st, params("1"));
        core.submit(first);
        drain(core.encoder());
        receive(frame('1').build(), parameterDescription(23), frame('n').build(), frame('2').build(),
                Bytes.commandComplete("INSERT 0 1"), Bytes.readyForQuery('I'));
        assertNull(first.result().fields());

        ExtendedQueryOperation second = ExtendedQueryOperation.single(st, params("2"));
        core.submit(second);
        assertBytes(concat(bind("pgreen_2", "2"), execute(), sync()), drain(core.encoder()));
        receive(frame('2').build(), Bytes.commandComplete("INSERT 0 1"), Bytes.readyForQuery('I'));
        assertNull(second.result().fields());
        assertEquals(1, second.rowCount());
    }

    @Test
    void aUtilityStatementIsDescribedAtEveryExecution() {
        // FETCH's columns follow the cursor it names, which the server does not check at Bind.
        ServerStatement st = new ServerStatement("pgreen_3", "FETCH 1 FROM c", null);
        core.submit(ExtendedQueryOperation.single(st, new byte[0][]));
        byte[] bindNoParams = frame('B').cstring("").cstring("pgreen_3").int16(0).int16(0).int16(0).build();
        assertBytes(concat(parse("pgreen_3", "FETCH 1 FROM c"), bindNoParams, describePortal(), execute(), sync()),
                drain(core.encoder()));
        receive(frame('1').build(), frame('2').build(), Bytes.rowDescription("a"), Bytes.dataRow("1"),
                Bytes.commandComplete("FETCH 1"), Bytes.readyForQuery('T'));
        core.submit(ExtendedQueryOperation.single(st, new byte[0][]));
        assertBytes(concat(bindNoParams, describePortal(), execute(), sync()), drain(core.encoder()));
    }

    @Test
    void inAPipelineAStatementNotDescribedYetDescribesItsPortal() {
        ServerStatement st = new ServerStatement("pgreen_4", "SELECT $1::text AS a", null);
        List<ExtendedQueryOperation> done = new java.util.ArrayList<>();
        ExtendedQueryOperation a = ExtendedQueryOperation.pipelined(st, List.<byte[][]>of(params("1")), true, done::add);
        ExtendedQueryOperation b = ExtendedQueryOperation.pipelined(st, List.<byte[][]>of(params("2")), true, done::add);
        core.submit(a);
        core.submit(b);
        core.submit(new SyncOperation());
        assertBytes(concat(parse("pgreen_4", "SELECT $1::text AS a"), describeStatement("pgreen_4"),
                bind("pgreen_4", "1"), execute(), bind("pgreen_4", "2"), describePortal(), execute(), sync()),
                drain(core.encoder()));
        receive(frame('1').build(), parameterDescription(25), Bytes.rowDescription("a"), frame('2').build(),
                Bytes.dataRow("1"), Bytes.commandComplete("SELECT 1"),
                frame('2').build(), Bytes.rowDescription("a"), Bytes.dataRow("2"), Bytes.commandComplete("SELECT 1"),
                Bytes.readyForQuery('I'));
        assertEquals(List.of(a, b), done);
        assertEquals("2", b.result().rows().getFirst().text(0));
        assertEquals("a", b.result().fields().getFirst().name());
    }

    @Test
    void aFailedParseLeavesTheStatementUnparsedOnTheServer() {
        ServerStatement st = new ServerStatement("pgreen_5", "SELECT * FROM missing", null);
        ExtendedQueryOperation op = ExtendedQueryOperation.single(st, new byte[0][]);
        core.submit(op);
        drain(core.encoder());
        receive(Bytes.error("42P01", "relation \"missing\" does not exist"), Bytes.readyForQuery('I'));
        assertTrue(op.parses());
        assertFalse(op.parsed(), "the cache forgets it");
        assertEquals("42P01", op.error().sqlState());
    }

    @Test
    void sameTextWithOtherTypesIsAnotherStatement() {
        ServerStatement inferred = new ServerStatement("pgreen_1", "SELECT $1", null);
        ServerStatement typed = new ServerStatement("pgreen_2", "SELECT $1", new int[] {23});
        assertTrue(inferred.isFor("SELECT $1", null));
        assertTrue(inferred.isFor("SELECT $1", new int[0]));
        assertFalse(inferred.isFor("SELECT $1", new int[] {23}));
        assertTrue(typed.isFor("SELECT $1", new int[] {23}));
        assertFalse(typed.isFor("SELECT $1", new int[] {25}));
        assertFalse(typed.isFor("SELECT $1 ", new int[] {23}));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "SELECT 1|true",
        "select 1|true",
        "  (SELECT 1) UNION (SELECT 2)|true",
        "/* a /* nested */ comment */ -- and a line\\n SELECT 1|true",
        "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x|true",
        "VALUES (1)|true",
        "TABLE t|true",
        "INSERT INTO t VALUES ($1) RETURNING id|true",
        "UPDATE t SET a = 1|true",
        "DELETE FROM t|true",
        "MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE|true",
        "FETCH 1 FROM c|false",
        "EXECUTE p|false",
        "SHOW work_mem|false",
        "EXPLAIN SELECT 1|false",
        "CALL p()|false",
        "SELECTED|false",
        "''|false",
    })
    void whichStatementsTheServerChecksAtBind(String sql, boolean checked) {
        assertEquals(checked, ServerStatement.returnsCheckedColumns(sql.replace("\\n", "\n")));
    }
}
