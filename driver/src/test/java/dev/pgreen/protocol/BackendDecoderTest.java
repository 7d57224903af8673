package dev.pgreen.protocol;

import static dev.pgreen.protocol.Bytes.assertMessageEquals;
import static dev.pgreen.protocol.Bytes.assertMessagesEqual;
import static dev.pgreen.protocol.Bytes.concat;
import static dev.pgreen.protocol.Bytes.decodeOne;
import static dev.pgreen.protocol.Bytes.feed;
import static dev.pgreen.protocol.Bytes.frame;
import static dev.pgreen.protocol.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.protocol.BackendMessage.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Decode these bytes → equals this record, plus framing and malformed input. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackendDecoderTest {

    @Nested
    class Authentication {
        @Test
        void ok() {
            assertMessageEquals(new AuthenticationOk(), decodeOne(frame('R').int32(0).build()));
        }

        @Test
        void cleartextPassword() {
            assertMessageEquals(new AuthenticationCleartextPassword(), decodeOne(frame('R').int32(3).build()));
        }

        @Test
        void md5PasswordCarriesTheSalt() {
            byte[] salt = {(byte) 0xde, (byte) 0xad, 0x00, 0x7f};
            assertMessageEquals(new AuthenticationMd5Password(salt),
                    decodeOne(frame('R').int32(5).bytes(salt).build()));
        }

        @Test
        void saslListsTheMechanismsInOrder() {
            byte[] bytes = frame('R').int32(10).cstring("SCRAM-SHA-256-PLUS").cstring("SCRAM-SHA-256").int8(0).build();
            assertMessageEquals(new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")), decodeOne(bytes));
        }

        @Test
        void saslWithNoMechanisms() {
            assertMessageEquals(new AuthenticationSasl(List.of()), decodeOne(frame('R').int32(10).int8(0).build()));
        }

        @Test
        void saslContinueCarriesTheServerFirstMessage() {
            byte[] data = utf8("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
            assertMessageEquals(new AuthenticationSaslContinue(data), decodeOne(frame('R').int32(11).bytes(data).build()));
        }

        @Test
        void saslFinalCarriesTheServerSignature() {
            byte[] data = utf8("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
            assertMessageEquals(new AuthenticationSaslFinal(data), decodeOne(frame('R').int32(12).bytes(data).build()));
        }

        @Test
        void saslContinueMayBeEmpty() {
            assertMessageEquals(new AuthenticationSaslContinue(new byte[0]), decodeOne(frame('R').int32(11).build()));
        }

        /** KerberosV5, SCMCredential, GSS, GSSContinue (with data), SSPI, and codes not yet invented. */
        @ParameterizedTest
        @ValueSource(ints = {2, 6, 7, 8, 9, 13, 99, -1})
        void unsupportedCodes(int code) {
            assertMessageEquals(new AuthenticationUnsupported(code), decodeOne(frame('R').int32(code).build()));
            assertMessageEquals(new AuthenticationUnsupported(code),
                    decodeOne(frame('R').int32(code).bytes(1, 2, 3, 4, 5).build()));
        }
    }

    @Test
    void parameterStatus() {
        assertMessageEquals(new ParameterStatus("TimeZone", "Europe/Zürich"),
                decodeOne(frame('S').cstring("TimeZone").cstring("Europe/Zürich").build()));
    }

    @Test
    void parameterStatusWithEmptyValue() {
        assertMessageEquals(new ParameterStatus("application_name", ""),
                decodeOne(frame('S').cstring("application_name").cstring("").build()));
    }

    @Test
    void backendKeyData() {
        assertMessageEquals(new BackendKeyData(4242, 0x89abcdef),
                decodeOne(frame('K').int32(4242).int32(0x89abcdef).build()));
    }

    @ParameterizedTest
    @ValueSource(chars = {'I', 'T', 'E'})
    void readyForQuery(char status) {
        assertMessageEquals(new ReadyForQuery(status), decodeOne(frame('Z').int8(status).build()));
    }

    @Test
    void rowDescription() {
        byte[] bytes = frame('T').int16(2)
                .cstring("id").int32(16384).int16(1).int32(23).int16(4).int32(-1).int16(1)
                .cstring("prénom").int32(0).int16(0).int32(1043).int16(-1).int32(68).int16(0)
                .build();
        assertMessageEquals(new RowDescription(List.of(
                        new Field("id", 16384, (short) 1, 23, (short) 4, -1, (short) 1),
                        new Field("prénom", 0, (short) 0, 1043, (short) -1, 68, (short) 0))),
                decodeOne(bytes));
    }

    @Test
    void rowDescriptionWithNoColumns() {
        assertMessageEquals(new RowDescription(List.of()), decodeOne(frame('T').int16(0).build()));
    }

    @Test
    void rowDescriptionReadsTheColumnCountUnsigned() {
        // A table may have up to 1664 columns, a select list more: the count is never negative.
        Bytes b = frame('T').int16(40000);
        for (int i = 0; i < 40000; i++) {
            b.cstring("").int32(0).int16(0).int32(25).int16(-1).int32(-1).int16(0);
        }
        RowDescription d = (RowDescription) decodeOne(b.build());
        assertEquals(40000, d.fields().size());
    }

    @Test
    void dataRowWithNullEmptyAndMultiByteValues() {
        byte[] multi = utf8("héllo → €𝄞");
        byte[] bytes = frame('D').int16(4)
                .int32(-1)
                .int32(0)
                .int32(multi.length).bytes(multi)
                .int32(1).string("x")
                .build();
        DataRow row = (DataRow) decodeOne(bytes);

        // The body runs from the first non-empty value to the end of the frame, bounds relative to it.
        byte[] body = concat(multi, Bytes.raw().int32(1).string("x").build());
        assertMessageEquals(new DataRow(body, new int[] {0, -1, 0, 0, 0, multi.length, multi.length + 4, 1}), row);

        assertEquals(4, row.size());
        assertTrue(row.isNull(0));
        assertNull(row.text(0));
        assertFalse(row.isNull(1));
        assertEquals("", row.text(1));
        assertEquals("héllo → €𝄞", row.text(2));
        assertEquals(multi.length, row.length(2));
        assertEquals("x", row.text(3));
    }

    @Test
    void dataRowWithNoColumns() {
        assertMessageEquals(new DataRow(new byte[0], new int[0]), decodeOne(frame('D').int16(0).build()));
    }

    @Test
    void dataRowOfOnlyNulls() {
        DataRow row = (DataRow) decodeOne(frame('D').int16(2).int32(-1).int32(-1).build());
        assertMessageEquals(new DataRow(new byte[0], new int[] {0, -1, 0, -1}), row);
        assertTrue(row.isNull(0) && row.isNull(1));
    }

    @Test
    void dataRowDoesNotAliasTheReceiveBuffer() {
        BackendDecoder decoder = new BackendDecoder();
        DataRow first = (DataRow) feed(decoder, Bytes.dataRow("abc")).get(0);
        feed(decoder, Bytes.dataRow("xyz"));
        assertEquals("abc", first.text(0));
    }

    @Test
    void commandComplete() {
        assertMessageEquals(new CommandComplete("INSERT 0 5"), decodeOne(frame('C').cstring("INSERT 0 5").build()));
    }

    @Test
    void emptyQueryResponse() {
        assertMessageEquals(new EmptyQueryResponse(), decodeOne(frame('I').build()));
    }

    /** Every field type the protocol documents, in the order sent. */
    private static final Object[] ALL_FIELDS = {
        'S', "ERROR", 'V', "ERROR", 'C', "23505", 'M', "duplicate key value violates unique constraint \"t_pkey\"",
        'D', "Key (id)=(1) already exists.", 'H', "Try another key.", 'P', "15", 'p', "3",
        'q', "SELECT 1", 'W', "PL/pgSQL function f() line 3 at RAISE", 's', "public", 't', "t", 'c', "id",
        'd', "int4", 'n', "t_pkey", 'F', "nbtinsert.c", 'L', "664", 'R', "_bt_check_unique",
    };

    private static Map<Character, String> fieldMap(Object... codesAndValues) {
        Map<Character, String> map = new LinkedHashMap<>();
        for (int i = 0; i < codesAndValues.length; i += 2) {
            map.put((Character) codesAndValues[i], (String) codesAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void errorResponseWithEveryFieldType() {
        ErrorResponse e = (ErrorResponse) decodeOne(Bytes.fields('E', ALL_FIELDS));
        assertMessageEquals(new ErrorResponse(fieldMap(ALL_FIELDS)), e);
        assertEquals(List.copyOf(fieldMap(ALL_FIELDS).keySet()), List.copyOf(e.fields().keySet()), "order kept");
    }

    @Test
    void noticeResponseWithEveryFieldType() {
        Object[] fields = ALL_FIELDS.clone();
        fields[1] = "NOTICE";
        fields[3] = "NOTICE";
        fields[5] = "00000";
        assertMessageEquals(new NoticeResponse(fieldMap(fields)), decodeOne(Bytes.fields('N', fields)));
    }

    @Test
    void errorResponseKeepsUnknownFieldTypes() {
        // The protocol says clients must ignore unknown field types, so they must not break decoding.
        assertMessageEquals(new ErrorResponse(fieldMap('C', "XX000", 'Z', "future")),
                decodeOne(Bytes.fields('E', 'C', "XX000", 'Z', "future")));
    }

    @Test
    void errorResponseWithNoFields() {
        assertMessageEquals(new ErrorResponse(Map.of()), decodeOne(frame('E').int8(0).build()));
    }

    @Test
    void notificationWithPayload() {
        assertMessageEquals(new NotificationResponse(77, "jobs", "{\"id\": 1, \"ü\": true}"),
                decodeOne(frame('A').int32(77).cstring("jobs").cstring("{\"id\": 1, \"ü\": true}").build()));
    }

    @Test
    void notificationWithoutPayload() {
        assertMessageEquals(new NotificationResponse(77, "jobs", ""),
                decodeOne(frame('A').int32(77).cstring("jobs").cstring("").build()));
    }

    @ParameterizedTest
    @ValueSource(chars = {'G', 'H', 'W'})
    void copyResponses(char kind) {
        assertMessageEquals(new CopyResponse(kind, (short) 0, new short[] {0, 0, 0}),
                decodeOne(frame(kind).int8(0).int16(3).int16(0).int16(0).int16(0).build()));
        assertMessageEquals(new CopyResponse(kind, (short) 1, new short[] {1, 1}),
                decodeOne(frame(kind).int8(1).int16(2).int16(1).int16(1).build()));
        assertMessageEquals(new CopyResponse(kind, (short) 0, new short[0]),
                decodeOne(frame(kind).int8(0).int16(0).build()));
    }

    @Test
    void copyData() {
        byte[] data = utf8("1\tAlice\t\\N\n");
        assertMessageEquals(new CopyData(data), decodeOne(frame('d').bytes(data).build()));
        assertMessageEquals(new CopyData(new byte[0]), decodeOne(frame('d').build()));
    }

    @Test
    void copyDone() {
        assertMessageEquals(new CopyDone(), decodeOne(frame('c').build()));
    }

    @Test
    void extendedQueryAcknowledgements() {
        assertMessageEquals(new ParseComplete(), decodeOne(frame('1').build()));
        assertMessageEquals(new BindComplete(), decodeOne(frame('2').build()));
        assertMessageEquals(new CloseComplete(), decodeOne(frame('3').build()));
        assertMessageEquals(new NoData(), decodeOne(frame('n').build()));
        assertMessageEquals(new PortalSuspended(), decodeOne(frame('s').build()));
    }

    @Test
    void parameterDescription() {
        assertMessageEquals(new ParameterDescription(new int[] {23, 25, 0xfffffffe}),
                decodeOne(frame('t').int16(3).int32(23).int32(25).int32(0xfffffffe).build()));
        assertMessageEquals(new ParameterDescription(new int[0]), decodeOne(frame('t').int16(0).build()));
    }

    @Test
    void negotiateProtocolVersion() {
        assertMessageEquals(new NegotiateProtocolVersion(0, List.of("_pq_.compression", "_pq_.other")),
                decodeOne(frame('v').int32(0).int32(2).cstring("_pq_.compression").cstring("_pq_.other").build()));
        assertMessageEquals(new NegotiateProtocolVersion(2, List.of()),
                decodeOne(frame('v').int32(2).int32(0).build()));
    }

    // ---------------------------------------------------------------- framing

    /** One of each kind, as a server might stream them. */
    private static byte[] conversation() {
        return concat(
                Bytes.authentication(0),
                Bytes.parameterStatus("server_version", "17.2"),
                Bytes.backendKeyData(1234, -5678),
                Bytes.readyForQuery('I'),
                Bytes.rowDescription("a", "b"),
                Bytes.dataRow(null, "ünï"),
                Bytes.dataRow("", "x"),
                frame('N').int8('S').cstring("NOTICE").int8('M').cstring("hi").int8(0).build(),
                frame('A').int32(9).cstring("ch").cstring("p").build(),
                Bytes.commandComplete("SELECT 2"),
                frame('H').int8(0).int16(1).int16(0).build(),
                frame('d').string("1\n").build(),
                frame('c').build(),
                frame('t').int16(1).int32(23).build(),
                Bytes.error("42P01", "relation \"nope\" does not exist"),
                frame('I').build(),
                Bytes.readyForQuery('E'));
    }

    private static List<BackendMessage> decodeAll(byte[] stream) {
        return feed(new BackendDecoder(), stream);
    }

    @Test
    void severalFramesInOneRead() {
        BackendDecoder decoder = new BackendDecoder();
        decoder.buffer().put(concat(Bytes.authentication(0), Bytes.readyForQuery('T'), Bytes.commandComplete("BEGIN")));
        assertMessageEquals(new AuthenticationOk(), decoder.next());
        assertMessageEquals(new ReadyForQuery('T'), decoder.next());
        assertMessageEquals(new CommandComplete("BEGIN"), decoder.next());
        assertNull(decoder.next());
        assertFalse(decoder.hasPartialMessage());
    }

    @Test
    void theConversationDecodesToOneMessagePerFrame() {
        List<BackendMessage> all = decodeAll(conversation());
        assertEquals(17, all.size());
        assertMessageEquals(new ReadyForQuery('E'), all.get(16));
    }

    @Test
    void oneByteAtATimeDecodesTheSame() {
        byte[] stream = conversation();
        List<BackendMessage> expected = decodeAll(stream);

        BackendDecoder decoder = new BackendDecoder();
        List<BackendMessage> got = new ArrayList<>();
        for (byte b : stream) {
            decoder.buffer().put(b);
            for (BackendMessage m = decoder.next(); m != null; m = decoder.next()) {
                got.add(m);
            }
        }
        assertMessagesEqual(expected, got);
        assertFalse(decoder.hasPartialMessage());
    }

    @Test
    void splitAtEveryByteBoundaryDecodesTheSame() {
        byte[] stream = conversation();
        List<BackendMessage> expected = decodeAll(stream);
        for (int split = 0; split <= stream.length; split++) {
            BackendDecoder decoder = new BackendDecoder();
            List<BackendMessage> got = new ArrayList<>();
            got.addAll(feed(decoder, java.util.Arrays.copyOfRange(stream, 0, split)));
            assertEquals(split < stream.length, decoder.hasPartialMessage() || got.size() < expected.size(),
                    "split " + split);
            got.addAll(feed(decoder, java.util.Arrays.copyOfRange(stream, split, stream.length)));
            assertMessagesEqual(expected, got);
        }
    }

    @Test
    void aPartialHeaderIsNotAMessage() {
        BackendDecoder decoder = new BackendDecoder();
        decoder.buffer().put(new byte[] {'Z', 0, 0, 0});
        assertNull(decoder.next());
        assertTrue(decoder.hasPartialMessage());
        decoder.buffer().put(new byte[] {5});
        assertNull(decoder.next());
        decoder.buffer().put((byte) 'I');
        assertMessageEquals(new ReadyForQuery('I'), decoder.next());
        assertFalse(decoder.hasPartialMessage());
    }

    @Test
    void aFrameLargerThanTheInitialBufferDecodes() {
        byte[] big = new byte[1 << 20];
        new Random(1).nextBytes(big);
        byte[] stream = concat(Bytes.readyForQuery('I'), frame('D').int16(1).int32(big.length).bytes(big).build(),
                Bytes.commandComplete("SELECT 1"));
        BackendDecoder decoder = new BackendDecoder();
        assertTrue(decoder.buffer().capacity() < big.length, "the test needs a frame bigger than the buffer");

        List<BackendMessage> got = feed(decoder, stream, 8192);

        assertEquals(3, got.size());
        DataRow row = (DataRow) got.get(1);
        assertEquals(1, row.size());
        assertMessageEquals(new DataRow(big, new int[] {0, big.length}), row);
        assertMessageEquals(new CommandComplete("SELECT 1"), got.get(2));
        assertTrue(decoder.buffer().capacity() <= 2 * (big.length + 11), "capacity " + decoder.buffer().capacity());
    }

    @Test
    void aFrameLargerThanTheBufferDecodesWhenSentInOneWrite() {
        byte[] big = new byte[100_000];
        java.util.Arrays.fill(big, (byte) 'x');
        byte[] frame = frame('d').bytes(big).build();
        assertMessageEquals(new CopyData(big), decodeOne(frame));
    }

    @Test
    void aLargeDeclaredLengthDoesNotAllocateBeforeTheBytesArrive() {
        // A corrupt or hostile length must not make the decoder reserve up to a gigabyte from a 5-byte header.
        BackendDecoder decoder = new BackendDecoder();
        int initial = decoder.buffer().capacity();
        decoder.buffer().put(new byte[] {'D', 0x3f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 1});
        assertNull(decoder.next());
        assertTrue(decoder.buffer().capacity() <= 4 * initial, "capacity " + decoder.buffer().capacity());

        // The buffer grows with what is actually received.
        byte[] chunk = new byte[4096];
        for (int i = 0; i < 256; i++) {
            feed(decoder, chunk);
        }
        int capacity = decoder.buffer().capacity();
        assertTrue(capacity >= 1 << 20 && capacity <= 4 << 20, "capacity " + capacity);
    }

    @Test
    void theBufferCompactsWhileStreaming() {
        BackendDecoder decoder = new BackendDecoder();
        int initial = decoder.buffer().capacity();
        byte[] row = Bytes.dataRow("some value", null, "another, longer value that makes the frame odd-sized!");
        byte[] batch = concat(row, row, row, row, row, row, row);
        Random random = new Random(7);
        int rows = 0;
        for (int i = 0; i < 20_000; i++) {
            rows += feed(decoder, batch, 1 + random.nextInt(3000)).size();
            assertTrue(decoder.buffer().capacity() <= initial, "capacity grew to " + decoder.buffer().capacity());
        }
        assertEquals(20_000 * 7, rows);
        assertFalse(decoder.hasPartialMessage());
    }

    @Test
    void theBufferDoesNotKeepGrowingAfterABigFrame() {
        BackendDecoder decoder = new BackendDecoder();
        feed(decoder, frame('d').bytes(new byte[200_000]).build());
        int afterBig = decoder.buffer().capacity();
        byte[] small = concat(Bytes.dataRow("v"), Bytes.commandComplete("SELECT 1"));
        for (int i = 0; i < 100_000; i++) {
            feed(decoder, small);
        }
        assertEquals(afterBig, decoder.buffer().capacity());
    }

    // ---------------------------------------------------------------- large messages, and the buffer's size

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aLargeDataRowIsReceivedIntoItsOwnBodyAndTheBufferDoesNotGrow() {
        byte[] big = randomBytes(300_000, 3);
        byte[] small = randomBytes(70_000, 4);
        byte[] frame = frame('D').int16(6).int32(-1).int32(0).int32(big.length).bytes(big).int32(-1).int32(0)
                .int32(small.length).bytes(small).build();
        // The body dataRow() would copy out: from the first column with bytes to the end of the row.
        byte[] body = concat(big, Bytes.raw().int32(-1).int32(0).int32(small.length).build(), small);
        DataRow expected = new DataRow(body, new int[] {0, -1, 0, 0, 0, big.length, 0, -1, 0, 0, big.length + 12,
                small.length});

        for (int chunk : new int[] {1 << 20, 8192, 1000, 17}) {
            BackendDecoder decoder = new BackendDecoder();
            int initial = decoder.capacity();
            List<BackendMessage> got = new ArrayList<>();
            byte[] stream = concat(Bytes.readyForQuery('I'), frame, Bytes.commandComplete("SELECT 1"));
            for (int at = 0; at < stream.length; ) {
                ByteBuffer room = decoder.buffer();
                assertTrue(room.remaining() <= BackendDecoder.MAX_READ, "room " + room.remaining());
                int n = Math.min(Math.min(room.remaining(), chunk), stream.length - at);
                room.put(stream, at, n);
                at += n;
                for (BackendMessage m = decoder.next(); m != null; m = decoder.next()) got.add(m);
                assertEquals(initial, decoder.capacity(), "the receive buffer grew, chunks of " + chunk);
            }
            assertEquals(3, got.size(), "chunks of " + chunk);
            assertMessageEquals(expected, got.get(1));
            assertEquals(body.length, ((DataRow) got.get(1)).body().length, "the body is exactly the row's");
            assertMessageEquals(new CommandComplete("SELECT 1"), got.get(2));
            assertFalse(decoder.hasPartialMessage());
        }
    }

    @Test
    void aLargeCopyDataIsReceivedIntoItsOwnArray() {
        byte[] data = randomBytes(2_000_000, 5);
        BackendDecoder decoder = new BackendDecoder();
        int initial = decoder.capacity();
        List<BackendMessage> got = feed(decoder, concat(frame('d').bytes(data).build(), Bytes.readyForQuery('I')), 65536);
        assertMessageEquals(new CopyData(data), got.get(0));
        assertMessageEquals(new ReadyForQuery('I'), got.get(1));
        assertEquals(initial, decoder.capacity());
    }

    @Test
    void aLargeDataRowWhoseHeadIsCutIsStillWhole() {
        // The column count arrives, its first length only later: the row waits in the buffer until it shows
        // where its body starts.
        byte[] big = randomBytes(100_000, 6);
        byte[] frame = frame('D').int16(1).int32(big.length).bytes(big).build();
        BackendDecoder decoder = new BackendDecoder();
        List<BackendMessage> got = new ArrayList<>();
        got.addAll(feed(decoder, java.util.Arrays.copyOfRange(frame, 0, 8)));
        assertTrue(got.isEmpty());
        got.addAll(feed(decoder, java.util.Arrays.copyOfRange(frame, 8, frame.length)));
        assertMessageEquals(new DataRow(big, new int[] {0, big.length}), got.get(0));
    }

    static Stream<Arguments> malformedLargeRows() {
        byte[] big = new byte[100_000];
        return Stream.of(
                Arguments.of("a column past the end", frame('D').int16(2).int32(big.length).bytes(big).int32(50).build()),
                Arguments.of("a negative column length", frame('D').int16(2).int32(big.length).bytes(big).int32(-7).build()),
                Arguments.of("trailing bytes", frame('D').int16(1).int32(big.length - 3).bytes(big).build()),
                Arguments.of("a count short of the columns", frame('D').int16(3).int32(big.length).bytes(big).int32(-1).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedLargeRows")
    void aMalformedLargeDataRowIsAProtocolErrorOnceWholeAndTheNextFrameDecodes(String what, byte[] bad) {
        byte[] good = Bytes.commandComplete("SELECT 1");
        for (int chunk : new int[] {1 << 20, 4096}) {
            BackendDecoder decoder = new BackendDecoder();
            byte[] stream = concat(bad, good);
            List<BackendMessage> got = new ArrayList<>();
            int errors = 0;
            for (int at = 0; at < stream.length; ) {
                ByteBuffer room = decoder.buffer();
                int n = Math.min(Math.min(room.remaining(), chunk), stream.length - at);
                room.put(stream, at, n);
                at += n;
                while (true) {
                    try {
                        BackendMessage m = decoder.next();
                        if (m == null) break;
                        got.add(m);
                    } catch (InterfaceException e) {
                        assertTrue(e.getMessage().startsWith("protocol error: message 'D'"), e.getMessage());
                        assertTrue(at >= bad.length, "the error came before the row was whole");
                        errors++;
                    }
                }
            }
            assertEquals(1, errors, what);
            assertMessagesEqual(List.of(new CommandComplete("SELECT 1")), got);
        }
    }

    @Test
    void aLargeMessageOfAnotherKindGrowsTheBufferWhichShrinksOnceItIsDecoded() {
        byte[] notice = Bytes.fields('N', 'S', "NOTICE", 'M', "x".repeat(3_000_000));
        BackendDecoder decoder = new BackendDecoder();
        int initial = decoder.capacity();
        byte[] stream = concat(notice, Bytes.readyForQuery('I'));
        List<BackendMessage> got = feed(decoder, java.util.Arrays.copyOfRange(stream, 0, notice.length - 1), 100_000);
        assertTrue(got.isEmpty());
        assertTrue(decoder.capacity() >= notice.length - 1, "capacity " + decoder.capacity());
        // Once it is decoded and nothing is pending, back to the initial size.
        got = feed(decoder, java.util.Arrays.copyOfRange(stream, notice.length - 1, stream.length));
        assertEquals(2, got.size());
        assertEquals("x".repeat(3_000_000), ((NoticeResponse) got.get(0)).fields().get('M'));
        assertMessageEquals(new ReadyForQuery('I'), got.get(1));
        assertFalse(decoder.hasPartialMessage());
        assertEquals(initial, decoder.capacity());
    }

    @Test
    void smallMessagesReuseTheSameBuffer() {
        BackendDecoder decoder = new BackendDecoder();
        ByteBuffer first = decoder.buffer();
        byte[] small = concat(Bytes.dataRow("v", null, "w"), Bytes.commandComplete("SELECT 1"), Bytes.readyForQuery('I'));
        for (int i = 0; i < 100_000; i++) {
            assertEquals(3, feed(decoder, small).size());
        }
        assertSame(first, decoder.buffer(), "no new buffer for ordinary traffic");
    }

    @Test
    void aReadIsOfferedAtMostMaxRead() {
        BackendDecoder decoder = new BackendDecoder();
        // A message the buffer must hold whole grows it past MAX_READ (and not past what it keeps when empty).
        byte[] notice = Bytes.fields('N', 'M', "y".repeat(2 * BackendDecoder.MAX_READ));
        assertTrue(feed(decoder, notice).get(0) instanceof NoticeResponse);
        assertTrue(decoder.capacity() > 2 * BackendDecoder.MAX_READ, "capacity " + decoder.capacity());
        assertEquals(BackendDecoder.MAX_READ, decoder.buffer().remaining());
    }

    @ParameterizedTest(name = "grow({0}, {1}) = {2}")
    @org.junit.jupiter.params.provider.CsvSource({
            "16384, 1073741824, 32768",      // doubling while far from the frame's size
            "131072, 1048587, 262144",
            "262144, 1048587, 1048587",      // within eight times what arrived: straight to it
            "16384, 20000, 20000",
            "16384, 131072, 131072",
            "16384, 131073, 32768"})
    void growDoublesThenGoesStraightToTheSizeNeeded(int full, long needed, int expected) {
        assertEquals(expected, BackendDecoder.grow(full, needed));
    }

    // ---------------------------------------------------------------- malformed input

    private static void assertProtocolError(ThrowingNext call) {
        InterfaceException e = assertThrows(InterfaceException.class, call::next);
        assertTrue(e.getMessage().startsWith("protocol error"), e.getMessage());
    }

    @FunctionalInterface
    private interface ThrowingNext {
        void next();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, -1, Integer.MIN_VALUE})
    void lengthBelowFourIsAProtocolError(int length) {
        BackendDecoder decoder = new BackendDecoder();
        decoder.buffer().put(frame('Z').int8('I').buildWithLength(length));
        assertProtocolError(decoder::next);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7fffffff, 0x4000_0000 + 1025, 0x5000_0000})
    void anAbsurdLengthIsAProtocolErrorAsSoonAsTheHeaderArrives(int length) {
        BackendDecoder decoder = new BackendDecoder();
        decoder.buffer().put(frame('D').buildWithLength(length));
        assertProtocolError(decoder::next);
    }

    @ParameterizedTest
    @ValueSource(chars = {'Q', 'P', 'X', 'x', '0', '\0', '\u00ff'})
    void anUnknownTypeIsAProtocolErrorAsSoonAsTheHeaderArrives(char type) {
        BackendDecoder decoder = new BackendDecoder();
        // Garbage that claims a long body: nothing would ever complete it.
        decoder.buffer().put(frame(type).buildWithLength(1000));
        InterfaceException e = assertThrows(InterfaceException.class, decoder::next);
        assertTrue(e.getMessage().startsWith("protocol error: unknown message type"), e.getMessage());
    }

    /** Messages that always have one size, announced with another: the header is enough to reject them. */
    static Stream<Arguments> fixedSizesOfAnotherLength() {
        return Stream.of(
                Arguments.of('Z', 6), Arguments.of('Z', 0x105), Arguments.of('K', 8), Arguments.of('K', 13),
                Arguments.of('I', 5), Arguments.of('c', 5), Arguments.of('1', 5), Arguments.of('2', 8),
                Arguments.of('3', 5), Arguments.of('n', 5), Arguments.of('s', 0x10000));
    }

    @ParameterizedTest
    @MethodSource("fixedSizesOfAnotherLength")
    void aFixedSizeMessageOfAnotherLengthIsAProtocolErrorAsSoonAsTheHeaderArrives(char type, int length) {
        BackendDecoder decoder = new BackendDecoder();
        decoder.buffer().put(frame(type).buildWithLength(length));
        InterfaceException e = assertThrows(InterfaceException.class, decoder::next);
        assertTrue(e.getMessage().contains("'" + type + "' has an invalid length " + length), e.getMessage());
    }

    /** Frames whose length is consistent with their bytes but whose body is too short for its fields. */
    static Stream<Arguments> truncatedBodies() {
        return Stream.of(
                Arguments.of("Authentication without code", frame('R').build()),
                Arguments.of("Authentication with half a code", frame('R').int16(0).build()),
                Arguments.of("MD5 with 3 salt bytes", frame('R').int32(5).bytes(1, 2, 3).build()),
                Arguments.of("SASL without final empty string", frame('R').int32(10).cstring("SCRAM-SHA-256").build()),
                Arguments.of("SASL mechanism without NUL", frame('R').int32(10).string("SCRAM-SHA-256").build()),
                Arguments.of("ParameterStatus without value", frame('S').cstring("TimeZone").build()),
                Arguments.of("ParameterStatus empty", frame('S').build()),
                Arguments.of("RowDescription empty", frame('T').build()),
                Arguments.of("RowDescription missing a field", frame('T').int16(1).build()),
                Arguments.of("RowDescription field cut short",
                        frame('T').int16(1).cstring("a").int32(0).int16(0).int32(25).int16(-1).int32(-1).build()),
                Arguments.of("RowDescription second field missing",
                        frame('T').int16(2).cstring("a").int32(0).int16(0).int32(25).int16(-1).int32(-1).int16(0).build()),
                Arguments.of("DataRow empty", frame('D').build()),
                Arguments.of("DataRow missing a column", frame('D').int16(2).int32(-1).build()),
                Arguments.of("DataRow column length cut", frame('D').int16(1).int16(0).build()),
                Arguments.of("DataRow value shorter than its length", frame('D').int16(1).int32(5).string("ab").build()),
                Arguments.of("CommandComplete empty", frame('C').build()),
                Arguments.of("ErrorResponse empty", frame('E').build()),
                Arguments.of("ErrorResponse field code without value", frame('E').int8('M').build()),
                Arguments.of("ErrorResponse without terminator", frame('E').int8('M').cstring("boom").build()),
                Arguments.of("NoticeResponse without terminator", frame('N').int8('M').cstring("hm").build()),
                Arguments.of("Notification with half a pid", frame('A').int16(1).build()),
                Arguments.of("Notification without channel", frame('A').int32(1).build()),
                Arguments.of("Notification without payload", frame('A').int32(1).cstring("ch").build()),
                Arguments.of("CopyInResponse empty", frame('G').build()),
                Arguments.of("CopyInResponse without count", frame('G').int8(0).build()),
                Arguments.of("CopyOutResponse missing a format", frame('H').int8(0).int16(2).int16(0).build()),
                Arguments.of("CopyBothResponse count cut", frame('W').int8(0).int8(0).build()),
                Arguments.of("ParameterDescription empty", frame('t').build()),
                Arguments.of("ParameterDescription missing an oid", frame('t').int16(2).int32(23).build()),
                Arguments.of("NegotiateProtocolVersion empty", frame('v').build()),
                Arguments.of("NegotiateProtocolVersion without count", frame('v').int32(0).build()),
                Arguments.of("NegotiateProtocolVersion missing a name", frame('v').int32(0).int32(2).cstring("a").build()),
                Arguments.of("NegotiateProtocolVersion negative count", frame('v').int32(0).int32(-1).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncatedBodies")
    void aTruncatedBodyIsAProtocolErrorAndTheNextFrameStillDecodes(String what, byte[] bad) {
        assertSkippedWithProtocolError(bad);
    }

    /** The bad frame is a protocol error; the well-formed frame after it decodes, split or not. */
    private static void assertSkippedWithProtocolError(byte[] bad) {
        byte[] good = Bytes.commandComplete("SELECT 1");
        BackendDecoder decoder = new BackendDecoder();
        decoder.buffer().put(concat(bad, good));
        assertProtocolError(decoder::next);
        assertMessageEquals(new CommandComplete("SELECT 1"), decoder.next());
        assertNull(decoder.next());
        assertFalse(decoder.hasPartialMessage());

        // Byte by byte, the error comes only once the bad frame is whole, and still skips exactly it.
        BackendDecoder slow = new BackendDecoder();
        byte[] stream = concat(bad, good);
        int errors = 0;
        List<BackendMessage> got = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            slow.buffer().put(stream[i]);
            try {
                for (BackendMessage m = slow.next(); m != null; m = slow.next()) {
                    got.add(m);
                }
            } catch (InterfaceException e) {
                assertEquals(bad.length - 1, i, "error raised at byte " + i);
                errors++;
            }
        }
        assertEquals(1, errors);
        assertMessagesEqual(List.of(new CommandComplete("SELECT 1")), got);
    }

    static Stream<Arguments> unterminatedStrings() {
        return Stream.of(
                Arguments.of("ParameterStatus value", frame('S').cstring("a").string("b").build()),
                Arguments.of("ParameterStatus name", frame('S').string("a").build()),
                Arguments.of("CommandComplete tag", frame('C').string("SELECT 1").build()),
                Arguments.of("RowDescription name", frame('T').int16(1).string("col").build()),
                Arguments.of("ErrorResponse value", frame('E').int8('M').string("boom").build()),
                Arguments.of("Notification channel", frame('A').int32(1).string("ch").build()),
                Arguments.of("Notification payload", frame('A').int32(1).cstring("ch").string("p").build()),
                Arguments.of("NegotiateProtocolVersion name", frame('v').int32(0).int32(1).string("_pq_.x").build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unterminatedStrings")
    void aStringWithoutNulIsAProtocolError(String what, byte[] bad) {
        assertSkippedWithProtocolError(bad);
    }

    @ParameterizedTest
    @ValueSource(ints = {-2, -100, Integer.MIN_VALUE})
    void aDataRowColumnLengthBelowMinusOneIsAProtocolError(int length) {
        assertSkippedWithProtocolError(frame('D').int16(1).int32(length).string("abc").build());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 100, Integer.MAX_VALUE})
    void aDataRowColumnPastTheEndIsAProtocolError(int length) {
        assertSkippedWithProtocolError(frame('D').int16(1).int32(length).string("abc").build());
    }

    static Stream<Arguments> trailingGarbage() {
        return Stream.of(
                Arguments.of("AuthenticationOk", frame('R').int32(0).int8(1).build()),
                Arguments.of("AuthenticationCleartextPassword", frame('R').int32(3).int8(1).build()),
                Arguments.of("AuthenticationMD5Password", frame('R').int32(5).int32(1).int8(1).build()),
                Arguments.of("AuthenticationSASL", frame('R').int32(10).cstring("SCRAM-SHA-256").int8(0).int8(1).build()),
                Arguments.of("ParameterStatus", frame('S').cstring("a").cstring("b").cstring("c").build()),
                Arguments.of("RowDescription", frame('T').int16(0).int8(0).build()),
                Arguments.of("DataRow", frame('D').int16(1).int32(1).string("ab").build()),
                Arguments.of("CommandComplete", frame('C').cstring("SELECT 1").string("x").build()),
                Arguments.of("ErrorResponse", frame('E').int8('M').cstring("m").int8(0).int8(0).build()),
                Arguments.of("NoticeResponse", frame('N').int8(0).string("x").build()),
                Arguments.of("NotificationResponse", frame('A').int32(1).cstring("c").cstring("p").int8(0).build()),
                Arguments.of("CopyInResponse", frame('G').int8(0).int16(0).int8(0).build()),
                Arguments.of("ParameterDescription", frame('t').int16(1).int32(23).int8(0).build()),
                Arguments.of("NegotiateProtocolVersion", frame('v').int32(0).int32(0).int8(0).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trailingGarbage")
    void trailingBytesInABodyAreAProtocolError(String what, byte[] bad) {
        assertSkippedWithProtocolError(bad);
    }

    @ParameterizedTest
    @ValueSource(chars = {'i', 'X', '\0', ' ', '\u00c9'})
    void anUnknownTransactionStatusIsAProtocolError(char status) {
        assertSkippedWithProtocolError(frame('Z').int8(status).build());
    }

    @Test
    void errorsNameTheMessageType() {
        BackendDecoder decoder = new BackendDecoder();
        decoder.buffer().put(frame('K').int32(1).build());
        InterfaceException e = assertThrows(InterfaceException.class, decoder::next);
        assertTrue(e.getMessage().contains("'K'"), e.getMessage());
    }

    // ---------------------------------------------------------------- fuzz

    private static final char[] TYPES = "RSKZTDCIENAGHWdc123nstv".toCharArray();

    /**
     * Random bytes of three kinds (pure noise; a known type with a consistent length
     * and a random body; a valid stream with bytes flipped) must only ever decode to
     * messages or raise InterfaceException, promptly, with memory bounded by the input.
     */
    @Test
    void fuzz() {
        Random random = new Random(0x5eed);
        byte[] valid = conversation();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int messages = 0;
            int errors = 0;
            for (int i = 0; i < 10_000; i++) {
                byte[] input = switch (i % 3) {
                    case 0 -> {
                        byte[] b = new byte[random.nextInt(64)];
                        random.nextBytes(b);
                        yield b;
                    }
                    case 1 -> {
                        byte[] body = new byte[random.nextInt(48)];
                        random.nextBytes(body);
                        if (random.nextBoolean()) {
                            // Bias towards small counts and lengths so decoding goes deeper than the first field.
                            for (int j = 0; j < body.length; j++) {
                                if (random.nextInt(3) == 0) body[j] = (byte) random.nextInt(3);
                            }
                        }
                        yield frame(TYPES[random.nextInt(TYPES.length)]).bytes(body).build();
                    }
                    default -> {
                        byte[] b = valid.clone();
                        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                        }
                        yield b;
                    }
                };
                BackendDecoder decoder = new BackendDecoder();
                int chunk = 1 + random.nextInt(input.length + 1);
                try {
                    messages += feed(decoder, input, chunk).size();
                } catch (InterfaceException e) {
                    assertTrue(e.getMessage().startsWith("protocol error"), e.getMessage());
                    errors++;
                } catch (RuntimeException | Error e) {
                    fail("input " + Bytes.hex(input) + " (chunks of " + chunk + ") raised " + e, e);
                }
                int capacity = decoder.buffer().capacity();
                assertTrue(capacity <= 64 * 1024, () -> "input " + Bytes.hex(input) + " grew the buffer to " + capacity);
            }
            assertTrue(messages > 1000, "messages " + messages);
            assertTrue(errors > 1000, "errors " + errors);
        });
    }

    @Test
    void theBufferIsInWriteModeWithRoom() {
        BackendDecoder decoder = new BackendDecoder();
        ByteBuffer b = decoder.buffer();
        assertEquals(0, b.position());
        assertEquals(b.capacity(), b.limit());
        b.put(new byte[b.remaining()]);
        assertTrue(decoder.buffer().hasRemaining());
    }
}
