package dev.pgreen.protocol;

import static dev.pgreen.protocol.Bytes.concat;
import static dev.pgreen.protocol.Bytes.drain;
import static dev.pgreen.protocol.Bytes.frame;
import static dev.pgreen.protocol.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.DatabaseException;
import dev.pgreen.errors.Diagnostics;
import dev.pgreen.errors.IntegrityException;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.errors.TransactionRollbackException;
import dev.pgreen.protocol.auth.Md5Password;
import dev.pgreen.protocol.auth.RequireAuth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Scripted server conversations, as bytes, through the sans-IO core. */
class ProtocolCoreTest {

    /** Records what the core hands the session listener, in order. */
    static final class RecordingListener implements SessionListener {
        final List<String> events = new ArrayList<>();
        final List<Diagnostics> notices = new ArrayList<>();

        @Override
        public void notice(Diagnostics notice) {
            notices.add(notice);
            events.add("notice " + notice.messagePrimary());
        }

        @Override
        public void notification(int processId, String channel, String payload) {
            events.add("notify " + processId + " " + channel + " " + payload);
        }

        @Override
        public void parameterChanged(String name, String value) {
            events.add("param " + name + "=" + value);
        }
    }

    private final RecordingListener listener = new RecordingListener();
    private final ProtocolCore core = new ProtocolCore(listener);

    /** The server sends these frames; the core processes them as one read (or several, when large). */
    private void receive(byte[]... frames) {
        byte[] data = concat(frames);
        int at = 0;
        do {
            ByteBuffer buf = core.decoder().buffer();
            int n = Math.min(buf.remaining(), data.length - at);
            buf.put(data, at, n);
            at += n;
            core.processReceived();
        } while (at < data.length);
    }

    /** The same, one byte per read, to show no step depends on how the bytes arrive. */
    private void receiveByteByByte(byte[]... frames) {
        for (byte b : concat(frames)) {
            core.decoder().buffer().put(b);
            core.processReceived();
        }
    }

    private static void assertBytes(byte[] expected, byte[] actual) {
        assertArrayEquals(expected, actual, () -> "expected " + hex(expected) + "\n but was " + hex(actual));
    }

    @Nested
    class Startup {
        private final Map<String, String> params = new LinkedHashMap<>(Map.of("user", "alice"));

        private StartupOperation start(String password) {
            params.put("database", "shop");
            StartupOperation op = new StartupOperation(params, "alice", password);
            core.submit(op);
            assertTrue(core.isBusy());
            assertBytes(Bytes.untyped().int32(196608).cstring("user").cstring("alice").cstring("database")
                    .cstring("shop").int8(0).build(), drain(core.encoder()));
            return op;
        }

        private byte[] serverHello() {
            return concat(
                    Bytes.parameterStatus("server_version", "17.2"),
                    Bytes.parameterStatus("client_encoding", "UTF8"),
                    Bytes.backendKeyData(4321, 0xcafebabe),
                    Bytes.readyForQuery('I'));
        }

        private void assertConnected(StartupOperation op) {
            assertFalse(core.isBusy(), "startup still in flight");
            assertNull(op.error());
            assertEquals(Map.of("server_version", "17.2", "client_encoding", "UTF8"), core.parameters());
            assertEquals(4321, core.backendPid());
            assertEquals(0xcafebabe, core.secretKey());
            assertEquals('I', core.transactionStatus());
            assertEquals(List.of("param server_version=17.2", "param client_encoding=UTF8"), listener.events);
            assertNull(core.fatalError());
        }

        @Test
        void trust() {
            StartupOperation op = start(null);
            receive(Bytes.authentication(0), serverHello());
            assertConnected(op);
            assertTrue(core.encoder().isEmpty(), "trust needs no reply");
        }

        @Test
        void trustByteByByte() {
            StartupOperation op = start(null);
            receiveByteByByte(Bytes.authentication(0), serverHello());
            assertConnected(op);
        }

        @Test
        void theOperationIsNotDoneBeforeReadyForQuery() {
            StartupOperation op = start(null);
            receive(Bytes.authentication(0), Bytes.parameterStatus("server_version", "17.2"),
                    Bytes.backendKeyData(4321, 0xcafebabe));
            assertTrue(core.isBusy());
            assertNull(op.error());
        }

        @Test
        void cleartextPassword() {
            StartupOperation op = start("pä$$word");
            receive(Bytes.authentication(3));
            assertBytes(frame('p').cstring("pä$$word").build(), drain(core.encoder()));
            assertTrue(core.isBusy());

            receive(Bytes.authentication(0), serverHello());
            assertConnected(op);
        }

        @Test
        void md5Password() {
            StartupOperation op = start("secret");
            byte[] salt = {0x11, (byte) 0x80, 0x00, 0x7f};
            receive(frame('R').int32(5).bytes(salt).build());

            byte[] hash = Md5Password.encode("alice", "secret", salt);
            String text = new String(hash, StandardCharsets.US_ASCII);
            assertTrue(text.matches("md5[0-9a-f]{32}"), text);
            assertBytes(frame('p').bytes(hash).int8(0).build(), drain(core.encoder()));

            receive(Bytes.authentication(0), serverHello());
            assertConnected(op);
        }

        @Test
        void passwordRequestedButNoneGiven() {
            start(null);
            OperationalException e = assertThrows(OperationalException.class, () -> receive(Bytes.authentication(3)));
            assertTrue(e.getMessage().contains("no password"), e.getMessage());
            assertTrue(e.getMessage().contains("alice"), e.getMessage());
            assertTrue(core.encoder().isEmpty(), "nothing sent");
        }

        @Test
        void md5RequestedButNoPasswordGiven() {
            start(null);
            assertThrows(OperationalException.class,
                    () -> receive(frame('R').int32(5).bytes(1, 2, 3, 4).build()));
            assertTrue(core.encoder().isEmpty(), "nothing sent");
        }

        @Test
        void saslRequestedButNoPasswordGiven() {
            start(null);
            assertThrows(OperationalException.class,
                    () -> receive(frame('R').int32(10).cstring("SCRAM-SHA-256").int8(0).build()));
        }

        @Test
        void saslWithOnlyUnsupportedMechanisms() {
            start("secret");
            OperationalException e = assertThrows(OperationalException.class,
                    () -> receive(frame('R').int32(10).cstring("SCRAM-SHA-512").int8(0).build()));
            assertTrue(e.getMessage().contains("SCRAM-SHA-512"), e.getMessage());
        }

        @Test
        void saslStartsAScramExchange() {
            start("secret");
            receive(frame('R').int32(10).cstring("SCRAM-SHA-256").int8(0).build());
            ByteBuffer sent = ByteBuffer.wrap(drain(core.encoder()));
            assertEquals('p', sent.get());
            assertEquals(sent.capacity() - 1, sent.getInt());
            byte[] mechanism = new byte[14];
            sent.get(mechanism);
            assertBytes(Bytes.raw().cstring("SCRAM-SHA-256").build(), mechanism);
            int n = sent.getInt();
            assertEquals(sent.remaining(), n);
            byte[] first = new byte[n];
            sent.get(first);
            assertTrue(new String(first, StandardCharsets.UTF_8).startsWith("n,,n=,r="));
        }

        @Test
        void unsupportedAuthenticationMethod() {
            start("secret");
            OperationalException e = assertThrows(OperationalException.class, () -> receive(Bytes.authentication(7)));
            assertTrue(e.getMessage().contains("7"), e.getMessage());
        }

        private void startRequiring(String password, String requireAuth) {
            params.put("database", "shop");
            core.submit(new StartupOperation(params, "alice", password, RequireAuth.parse(requireAuth)));
            drain(core.encoder());
        }

        @Test
        void requireAuthRefusesAnotherMethodBeforeSendingThePassword() {
            startRequiring("secret", "scram-sha-256");
            OperationalException e = assertThrows(OperationalException.class, () -> receive(Bytes.authentication(3)));
            assertEquals("authentication method requirement \"scram-sha-256\" failed: "
                    + "server requested a cleartext password", e.getMessage());
            assertTrue(core.encoder().isEmpty(), "the password must not be sent");
        }

        @Test
        void requireAuthRefusesGssapi() {
            startRequiring("secret", "!gss");
            OperationalException e = assertThrows(OperationalException.class, () -> receive(Bytes.authentication(7)));
            assertTrue(e.getMessage().endsWith("server requested GSSAPI authentication"), e.getMessage());
        }

        @Test
        void requireAuthRefusesAnOkBeforeTheScramExchangeEnds() {
            startRequiring("secret", "scram-sha-256");
            receive(frame('R').int32(10).cstring("SCRAM-SHA-256").int8(0).build());
            drain(core.encoder());
            OperationalException e = assertThrows(OperationalException.class, () -> receive(Bytes.authentication(0)));
            assertTrue(e.getMessage().endsWith("server did not complete authentication"), e.getMessage());
        }

        @Test
        void requireAuthAcceptsTheAllowedMethod() {
            startRequiring("secret", "password");
            receive(Bytes.authentication(3));
            drain(core.encoder());
            receive(Bytes.authentication(0), serverHello());
            assertFalse(core.isBusy());
        }

        @Test
        void errorDuringStartup() {
            StartupOperation op = start("wrong");
            receive(Bytes.authentication(3));
            drain(core.encoder());
            receive(Bytes.fields('E', 'S', "FATAL", 'V', "FATAL", 'C', "28P01",
                    'M', "password authentication failed for user \"alice\"", 'R', "auth_failed"));

            assertFalse(core.isBusy());
            PgException error = op.error();
            assertInstanceOf(OperationalException.class, error);
            assertEquals("28P01", error.sqlState());
            assertEquals("password authentication failed for user \"alice\"", error.getMessage());
            assertEquals("auth_failed", error.diag().sourceFunction());
            assertEquals("28P01", core.fatalError().sqlState(), "a FATAL is the session's end");
        }

        @Test
        void errorForAnUnknownDatabase() {
            StartupOperation op = start(null);
            receive(Bytes.fields('E', 'S', "FATAL", 'V', "FATAL", 'C', "3D000",
                    'M', "database \"shop\" does not exist"));
            // Whatever its class, a failed connect is an OperationalException, as in psycopg2.
            assertInstanceOf(OperationalException.class, op.error());
            assertEquals("3D000", op.error().sqlState());
        }

        @Test
        void noticesDuringStartupGoToTheListener() {
            StartupOperation op = start(null);
            receive(Bytes.authentication(0),
                    Bytes.fields('N', 'S', "WARNING", 'C', "01000", 'M', "collation version mismatch"),
                    serverHello());
            assertFalse(core.isBusy());
            assertNull(op.error());
            assertEquals("collation version mismatch", listener.notices.get(0).messagePrimary());
        }

        @Test
        void negotiateProtocolVersionIsAccepted() {
            StartupOperation op = start(null);
            receive(frame('v').int32(0).int32(1).cstring("_pq_.x").build(), Bytes.authentication(0), serverHello());
            assertFalse(core.isBusy());
            assertNull(op.error());
        }

        @Test
        void anUnexpectedMessageDuringStartup() {
            start(null);
            assertThrows(PgException.class, () -> receive(Bytes.authentication(0), Bytes.dataRow("x")));
        }
    }

    @Nested
    class SimpleQuery {
        private SimpleQueryOperation query(String sql) {
            SimpleQueryOperation op = new SimpleQueryOperation(sql);
            core.submit(op);
            assertBytes(frame('Q').cstring(sql).build(), drain(core.encoder()));
            return op;
        }

        @Test
        void multiStatementKeepsTheLastResult() {
            SimpleQueryOperation op = query("SELECT 1; SELECT 'a', 'b' FROM t");
            receive(
                    Bytes.rowDescription("?column?"),
                    Bytes.dataRow("1"),
                    Bytes.commandComplete("SELECT 1"),
                    Bytes.rowDescription("x", "y"),
                    Bytes.dataRow("a", "b"),
                    Bytes.dataRow(null, "é"),
                    Bytes.commandComplete("SELECT 2"),
                    Bytes.readyForQuery('I'));

            assertFalse(core.isBusy());
            assertNull(op.error());
            QueryResult r = op.result();
            assertNotNull(r);
            assertEquals(List.of("x", "y"), r.fields().stream().map(BackendMessage.Field::name).toList());
            assertEquals(2, r.rows().size());
            assertEquals("a", r.rows().get(0).text(0));
            assertNull(r.rows().get(1).text(0));
            assertEquals("é", r.rows().get(1).text(1));
            assertEquals("SELECT 2", r.commandTag());
            assertEquals(2, r.rowCount());
        }

        @Test
        void aStatementWithoutRowsAfterOneWithRows() {
            SimpleQueryOperation op = query("SELECT 1; INSERT INTO t VALUES (1)");
            receive(Bytes.rowDescription("?column?"), Bytes.dataRow("1"), Bytes.commandComplete("SELECT 1"),
                    Bytes.commandComplete("INSERT 0 1"), Bytes.readyForQuery('T'));
            QueryResult r = op.result();
            assertNull(r.fields());
            assertEquals(List.of(), r.rows());
            assertEquals(1, r.rowCount());
            assertEquals('T', core.transactionStatus());
        }

        @Test
        void notDoneBeforeReadyForQuery() {
            SimpleQueryOperation op = query("SELECT 1");
            receive(Bytes.rowDescription("a"), Bytes.dataRow("1"), Bytes.commandComplete("SELECT 1"));
            assertTrue(core.isBusy());
            receive(Bytes.readyForQuery('I'));
            assertFalse(core.isBusy());
            assertEquals(1, op.result().rows().size());
        }

        static Stream<Arguments> errorClasses() {
            return Stream.of(
                    Arguments.of("42P01", ProgrammingException.class),
                    Arguments.of("42601", ProgrammingException.class),
                    Arguments.of("23505", IntegrityException.class),
                    Arguments.of("23503", IntegrityException.class),
                    Arguments.of("57014", QueryCanceledException.class),
                    Arguments.of("40001", TransactionRollbackException.class),
                    Arguments.of("22012", DataException.class),
                    Arguments.of("53100", OperationalException.class));
        }

        @ParameterizedTest
        @MethodSource("errorClasses")
        void errorThenReadyForQuery(String sqlState, Class<? extends DatabaseException> expected) {
            SimpleQueryOperation op = query("BEGIN; SELECT * FROM nope");
            receive(Bytes.commandComplete("BEGIN"),
                    Bytes.fields('E', 'S', "ERROR", 'V', "ERROR", 'C', sqlState, 'M', "it failed",
                            'D', "the detail", 'H', "a hint", 'P', "15"),
                    Bytes.readyForQuery('E'));

            assertFalse(core.isBusy());
            PgException error = op.error();
            assertInstanceOf(expected, error);
            assertEquals(expected, error.getClass(), "the most specific class");
            assertEquals(sqlState, error.sqlState());
            assertEquals("it failed\nDETAIL:  the detail\nHINT:  a hint", error.getMessage());
            assertEquals("15", error.diag().position());
            assertNull(op.result(), "no result when the query failed");
            assertEquals('E', core.transactionStatus());
            assertNull(core.fatalError(), "an ERROR does not end the session");
        }

        @Test
        void theFirstErrorWins() {
            SimpleQueryOperation op = query("x");
            receive(Bytes.error("42601", "syntax error"), Bytes.error("XX000", "later"), Bytes.readyForQuery('I'));
            assertEquals("42601", op.error().sqlState());
        }

        @Test
        void emptyQuery() {
            SimpleQueryOperation op = query("");
            receive(frame('I').build(), Bytes.readyForQuery('I'));
            assertFalse(core.isBusy());
            assertInstanceOf(ProgrammingException.class, op.error());
            assertNull(op.result());
        }

        @Test
        void asyncMessagesInTheMiddleOfAResult() {
            SimpleQueryOperation op = query("SELECT a FROM t");
            receive(
                    Bytes.rowDescription("a"),
                    Bytes.dataRow("1"),
                    frame('A').int32(999).cstring("jobs").cstring("{\"id\":7}").build(),
                    Bytes.fields('N', 'S', "NOTICE", 'V', "NOTICE", 'C', "00000", 'M', "careful"),
                    Bytes.dataRow("2"),
                    Bytes.parameterStatus("TimeZone", "UTC"),
                    frame('A').int32(999).cstring("jobs").cstring("").build(),
                    Bytes.dataRow("3"),
                    Bytes.commandComplete("SELECT 3"),
                    Bytes.readyForQuery('I'));

            assertNull(op.error());
            QueryResult r = op.result();
            assertEquals(3, r.rows().size());
            assertEquals(List.of("1", "2", "3"), r.rows().stream().map(row -> row.text(0)).toList());
            assertEquals(3, r.rowCount());
            assertEquals(List.of("notify 999 jobs {\"id\":7}", "notice careful", "param TimeZone=UTC",
                    "notify 999 jobs "), listener.events);
            assertEquals("00000", listener.notices.get(0).sqlState());
            assertEquals("UTC", core.parameters().get("TimeZone"));
        }

        @Test
        void copyInIsRefusedWithCopyFail() {
            SimpleQueryOperation op = query("COPY t FROM STDIN");
            receive(frame('G').int8(0).int16(2).int16(0).int16(0).build());

            byte[] sent = drain(core.encoder());
            assertEquals('f', sent[0], "CopyFail expected, got " + hex(sent));
            ByteBuffer b = ByteBuffer.wrap(sent);
            assertEquals(sent.length - 1, b.getInt(1));
            assertEquals(0, sent[sent.length - 1], "NUL-terminated message");
            assertTrue(core.isBusy(), "the server still has to answer the CopyFail");

            receive(Bytes.fields('E', 'S', "ERROR", 'V', "ERROR", 'C', "57014",
                            'M', "COPY from stdin failed: COPY FROM STDIN is not supported by execute()"),
                    Bytes.readyForQuery('I'));
            assertFalse(core.isBusy());
            assertEquals(ProgrammingException.class, op.error().getClass(), "the refusal, not the server's echo");
            assertTrue(op.error().getMessage().contains("copy"), op.error().getMessage());
            assertEquals('I', core.transactionStatus());
        }

        @Test
        void copyOutIsDrainedAndRefused() {
            SimpleQueryOperation op = query("COPY t TO STDOUT");
            receive(frame('H').int8(0).int16(1).int16(0).build(),
                    frame('d').string("1\n").build(),
                    frame('d').string("2\n").build(),
                    frame('c').build(),
                    Bytes.commandComplete("COPY 2"),
                    Bytes.readyForQuery('I'));
            assertFalse(core.isBusy());
            assertTrue(core.encoder().isEmpty(), "nothing to send for COPY TO");
            assertEquals(ProgrammingException.class, op.error().getClass());
        }

        @ParameterizedTest
        @ValueSource(chars = {'d', 'c'})
        void copyDataOrCopyDoneOutsideACopyIsAProtocolError(char type) {
            query("SELECT 1");
            // A DataRow whose type byte flipped to CopyData must not vanish into an empty result.
            InterfaceException e = assertThrows(InterfaceException.class,
                    () -> receive(Bytes.rowDescription("a"), copyFrame(type)));
            assertTrue(e.getMessage().startsWith("protocol error"), e.getMessage());
        }

        @Test
        void anUnexpectedMessageInReplyToAQuery() {
            query("SELECT 1");
            InterfaceException e = assertThrows(InterfaceException.class, () -> receive(frame('1').build()));
            assertTrue(e.getMessage().startsWith("protocol error"), e.getMessage());
        }

        @Test
        void pipelinedQueriesGetTheirOwnReplies() {
            SimpleQueryOperation first = query("SELECT 1");
            SimpleQueryOperation second = query("SELECT * FROM nope");
            receive(Bytes.rowDescription("a"), Bytes.dataRow("1"), Bytes.commandComplete("SELECT 1"),
                    Bytes.readyForQuery('I'));
            assertTrue(core.isBusy());
            assertEquals("1", first.result().rows().get(0).text(0));
            receive(Bytes.error("42P01", "relation \"nope\" does not exist"), Bytes.readyForQuery('I'));
            assertFalse(core.isBusy());
            assertNull(first.error());
            assertInstanceOf(ProgrammingException.class, second.error());
        }
    }

    /** A CopyData ('d', with one row) or a CopyDone ('c'). */
    private static byte[] copyFrame(char type) {
        return type == 'd' ? frame('d').string("1\n").build() : frame('c').build();
    }

    @ParameterizedTest
    @ValueSource(chars = {'d', 'c'})
    void aCopyToTakesCopyDataOnlyAfterItsCopyOutResponse(char type) {
        CopyOperation copy = CopyOperation.to("COPY t TO STDOUT");
        core.submit(copy);
        drain(core.encoder());
        InterfaceException e = assertThrows(InterfaceException.class, () -> receive(copyFrame(type)));
        assertTrue(e.getMessage().startsWith("protocol error"), e.getMessage());
        assertTrue(copy.takeReceived().isEmpty(), "nothing reached the output");
    }

    @ParameterizedTest
    @ValueSource(chars = {'d', 'c'})
    void aPreparedStatementTakesNoCopyDataOutsideACopy(char type) {
        core.submit(ExtendedQueryOperation.unnamed("SELECT 1", new byte[0][], null));
        drain(core.encoder());
        InterfaceException e = assertThrows(InterfaceException.class, () -> receive(frame('1').build(),
                frame('2').build(), Bytes.rowDescription("a"), copyFrame(type)));
        assertTrue(e.getMessage().startsWith("protocol error"), e.getMessage());
    }

    @Test
    void anUnexpectedMessageWithNothingInFlight() {
        InterfaceException e = assertThrows(InterfaceException.class,
                () -> receive(Bytes.commandComplete("SELECT 1")));
        assertTrue(e.getMessage().startsWith("protocol error"), e.getMessage());
        assertTrue(e.getMessage().contains("CommandComplete"), e.getMessage());
    }

    @Test
    void readyForQueryWithNothingInFlight() {
        assertThrows(InterfaceException.class, () -> receive(Bytes.readyForQuery('I')));
    }

    @Test
    void aFatalErrorWithNothingInFlightEndsTheSessionAtOnce() {
        // The session is over as soon as the server says so, not when the socket's end is read.
        OperationalException ended = assertThrows(OperationalException.class, () -> receive(Bytes.fields('E',
                'S', "FATAL", 'V', "FATAL", 'C', "57P01", 'M', "terminating connection due to administrator command")));
        assertEquals("57P01", ended.sqlState());
        Diagnostics fatal = core.fatalError();
        assertNotNull(fatal);
        assertEquals("57P01", fatal.sqlState());
        assertEquals("terminating connection due to administrator command", fatal.messagePrimary());
        assertFalse(core.isBusy());
    }

    @Test
    void asyncMessagesWithNothingInFlightGoToTheListener() {
        receive(frame('A').int32(5).cstring("ch").cstring("hello").build(),
                Bytes.parameterStatus("is_superuser", "off"),
                Bytes.fields('N', 'S', "NOTICE", 'M', "idle notice"));
        assertEquals(List.of("notify 5 ch hello", "param is_superuser=off", "notice idle notice"), listener.events);
    }

    @Test
    void aMalformedFrameSurfacesAsAProtocolError() {
        core.submit(new SimpleQueryOperation("SELECT 1"));
        InterfaceException e = assertThrows(InterfaceException.class,
                () -> receive(frame('Z').int8('?').build()));
        assertTrue(e.getMessage().startsWith("protocol error"), e.getMessage());
    }

    @Test
    void operationsSeeMessagesInOrder() {
        List<String> seen = new ArrayList<>();
        Operation op = new Operation() {
            @Override
            public void start(FrontendEncoder out) {
                out.sync();
            }

            @Override
            public boolean handle(BackendMessage m, FrontendEncoder out) {
                seen.add(m.getClass().getSimpleName());
                return m instanceof BackendMessage.ReadyForQuery;
            }

            @Override
            public PgException error() {
                return null;
            }
        };
        core.submit(op);
        assertBytes(frame('S').build(), drain(core.encoder()));
        receive(frame('1').build(), Bytes.parameterStatus("a", "b"), frame('2').build(), Bytes.readyForQuery('T'));
        assertEquals(List.of("ParseComplete", "BindComplete", "ReadyForQuery"), seen);
        assertFalse(core.isBusy());
        assertEquals('T', core.transactionStatus());
        assertSame(null, op.error());
    }

    @ParameterizedTest
    @CsvSource({
        "'SELECT 3', 3",
        "'SELECT 0', 0",
        "'INSERT 0 5', 5",
        "'INSERT 16384 1', 1",
        "'UPDATE 2', 2",
        "'DELETE 0', 0",
        "'COPY 7', 7",
        "'MERGE 1', 1",
        "'MOVE 4', 4",
        "'FETCH 10', 10",
        "'SELECT 4294967296', 4294967296",
        "'CREATE TABLE', -1",
        "'CREATE TABLE AS 3', -1",
        "'BEGIN', -1",
        "'COMMIT', -1",
        "'ROLLBACK', -1",
        "'DROP INDEX', -1",
        "'SET', -1",
        "'', -1",
    })
    void rowCountFromCommandTag(String tag, long expected) {
        assertEquals(expected, new QueryResult(null, List.of(), tag).rowCount(), tag);
    }

    @Nested
    class Pipelines {
        private final List<ExtendedQueryOperation> done = new ArrayList<>();

        private ExtendedQueryOperation statement(String sql) {
            ExtendedQueryOperation op = ExtendedQueryOperation.unnamedPipelined(sql, List.<byte[][]>of(new byte[0][]),
                    true, done::add);
            core.submit(op);
            return op;
        }

        @Test
        void statementsGoWithoutSyncAndHoldNobodyUpUntilOneIsSent() {
            ExtendedQueryOperation a = statement("SELECT 1");
            ExtendedQueryOperation b = statement("SELECT 2");
            byte[] sent = drain(core.encoder());
            assertEquals(-1, new String(sent, StandardCharsets.ISO_8859_1).indexOf("S\0\0\0\4"), "no Sync: " + hex(sent));
            assertFalse(core.isBusy(), "the caller waits only for a Sync");
            SyncOperation sync = new SyncOperation();
            core.submit(sync);
            assertBytes(frame('S').build(), drain(core.encoder()));
            assertTrue(core.isBusy());

            receive(frame('1').build(), frame('2').build(), Bytes.rowDescription("x"), Bytes.dataRow("1"),
                    Bytes.commandComplete("SELECT 1"));
            assertTrue(a.isComplete());
            assertEquals(List.of(a), done);
            assertTrue(core.isBusy());
            receive(frame('1').build(), frame('2').build(), Bytes.rowDescription("x"), Bytes.dataRow("2"),
                    Bytes.commandComplete("SELECT 1"), Bytes.readyForQuery('I'));
            assertEquals(List.of(a, b), done);
            assertEquals(1, b.result().rows().size());
            assertFalse(core.isBusy());
            assertFalse(core.hasInFlight());
        }

        @Test
        void afterAnErrorTheReadyForQuerySkipsTheRestUpToTheSync() {
            ExtendedQueryOperation bad = statement("SELECT 1/0");
            ExtendedQueryOperation skipped = statement("SELECT 2");
            ExtendedQueryOperation skippedToo = statement("SELECT 3");
            SyncOperation sync = new SyncOperation();
            core.submit(sync);
            ExtendedQueryOperation next = statement("SELECT 4");
            drain(core.encoder());

            receive(frame('1').build(), frame('2').build(), Bytes.rowDescription("x"),
                    Bytes.error("22012", "division by zero"), Bytes.readyForQuery('I'));
            assertInstanceOf(DataException.class, bad.error());
            assertInstanceOf(dev.pgreen.errors.PipelineAbortedException.class, skipped.error());
            assertInstanceOf(dev.pgreen.errors.PipelineAbortedException.class, skippedToo.error());
            assertNull(sync.error());
            assertEquals(List.of(bad, skipped, skippedToo), done);
            assertFalse(next.isComplete(), "the statement after the Sync runs");
            assertTrue(core.hasInFlight());
        }
    }

    @Test
    void rowCountWithoutATag() {
        assertEquals(-1, new QueryResult(null, List.of(), null).rowCount());
    }
}
