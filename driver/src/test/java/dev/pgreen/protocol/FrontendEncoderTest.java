package dev.pgreen.protocol;

import static dev.pgreen.protocol.Bytes.concat;
import static dev.pgreen.protocol.Bytes.drain;
import static dev.pgreen.protocol.Bytes.frame;
import static dev.pgreen.protocol.Bytes.hex;
import static dev.pgreen.protocol.Bytes.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact bytes of every frontend message, and the outbound buffer's bookkeeping. */
class FrontendEncoderTest {
    private final FrontendEncoder encoder = new FrontendEncoder();

    private static void assertBytes(byte[] expected, byte[] actual) {
        assertArrayEquals(expected, actual, () -> "expected " + hex(expected) + "\n but was " + hex(actual));
    }

    @Test
    void startupMessage() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "alice");
        params.put("database", "ünïcode");
        params.put("client_encoding", "UTF8");
        encoder.startup(params);

        byte[] body = concat(utf8("user\0alice\0database\0ünïcode\0client_encoding\0UTF8\0\0"));
        byte[] expected = concat(Bytes.raw().int32(4 + 4 + body.length).int32(196608).build(), body);
        assertBytes(expected, drain(encoder));
        assertBytes(Bytes.untyped().int32(3 << 16).cstring("user").cstring("alice").cstring("database")
                .cstring("ünïcode").cstring("client_encoding").cstring("UTF8").int8(0).build(), expected);
    }

    @Test
    void startupMessageWithNoParameters() {
        encoder.startup(Map.of());
        assertBytes(new byte[] {0, 0, 0, 9, 0, 3, 0, 0, 0}, drain(encoder));
    }

    @Test
    void passwordMessage() {
        encoder.password(utf8("s3cret€"));
        assertBytes(frame('p').cstring("s3cret€").build(), drain(encoder));
        encoder.password(new byte[0]);
        assertBytes(new byte[] {'p', 0, 0, 0, 5, 0}, drain(encoder));
    }

    @Test
    void saslInitialResponse() {
        byte[] first = utf8("n,,n=,r=rOprNGfwEbeRWgbNEkqO");
        encoder.saslInitialResponse("SCRAM-SHA-256", first);
        assertBytes(frame('p').cstring("SCRAM-SHA-256").int32(first.length).bytes(first).build(), drain(encoder));
        byte[] bytes = frame('p').cstring("SCRAM-SHA-256").int32(first.length).bytes(first).build();
        assertEquals(1 + 4 + 14 + 4 + first.length, bytes.length);
    }

    @Test
    void saslResponse() {
        byte[] fin = utf8("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        encoder.saslResponse(fin);
        byte[] out = drain(encoder);
        assertBytes(frame('p').bytes(fin).build(), out);
        assertEquals(5 + fin.length, out.length, "no terminator");
    }

    @Test
    void query() {
        encoder.query("SELECT 1");
        assertBytes(new byte[] {'Q', 0, 0, 0, 13, 'S', 'E', 'L', 'E', 'C', 'T', ' ', '1', 0}, drain(encoder));
    }

    @Test
    void queryLengthCountsUtf8Bytes() {
        encoder.query("SELECT '€𝄞'");
        byte[] out = drain(encoder);
        assertBytes(frame('Q').cstring("SELECT '€𝄞'").build(), out);
        assertEquals(4 + utf8("SELECT '€𝄞'").length + 1, ByteBuffer.wrap(out).getInt(1));
    }

    @Test
    void terminate() {
        encoder.terminate();
        assertBytes(new byte[] {'X', 0, 0, 0, 4}, drain(encoder));
    }

    @Test
    void sync() {
        encoder.sync();
        assertBytes(new byte[] {'S', 0, 0, 0, 4}, drain(encoder));
    }

    @Test
    void copyDataSendsTheSliceOnly() {
        byte[] data = utf8("xx1\tAlice\nyy");
        encoder.copyData(data, 2, 8);
        assertBytes(frame('d').string("1\tAlice\n").build(), drain(encoder));
        encoder.copyData(data, 0, 0);
        assertBytes(new byte[] {'d', 0, 0, 0, 4}, drain(encoder));
    }

    @Test
    void copyDoneAndCopyFail() {
        encoder.copyDone();
        assertBytes(new byte[] {'c', 0, 0, 0, 4}, drain(encoder));
        encoder.copyFail("aborted by user");
        assertBytes(frame('f').cstring("aborted by user").build(), drain(encoder));
    }

    @Test
    void cancelRequest() {
        byte[] cancel = FrontendEncoder.cancelRequest(0x01020304, 0xfedcba98);
        assertBytes(new byte[] {
            0, 0, 0, 16,
            0x04, (byte) 0xd2, 0x16, 0x2e, // 80877102 = 1234 << 16 | 5678
            1, 2, 3, 4,
            (byte) 0xfe, (byte) 0xdc, (byte) 0xba, (byte) 0x98}, cancel);
        assertEquals(80877102, ByteBuffer.wrap(cancel).getInt(4));
        assertEquals((1234 << 16) | 5678, 80877102);
        assertTrue(encoder.isEmpty(), "a cancel request goes on its own connection, not in this buffer");
    }

    @Test
    void messagesAccumulateInOrder() {
        assertTrue(encoder.isEmpty());
        encoder.query("BEGIN");
        encoder.query("SELECT 1");
        encoder.sync();
        encoder.terminate();
        assertFalse(encoder.isEmpty());
        assertBytes(concat(frame('Q').cstring("BEGIN").build(), frame('Q').cstring("SELECT 1").build(),
                frame('S').build(), frame('X').build()), drain(encoder));
        assertTrue(encoder.isEmpty());
    }

    @Test
    void aPartialDrainKeepsTheRest() {
        encoder.query("SELECT 1");
        encoder.query("SELECT 2");
        byte[] all = concat(frame('Q').cstring("SELECT 1").build(), frame('Q').cstring("SELECT 2").build());

        byte[] sent = Bytes.drain(encoder, 7);
        assertBytes(Arrays.copyOfRange(all, 0, 7), sent);
        assertFalse(encoder.isEmpty());

        // More messages written after a partial send go after what is still unsent.
        encoder.terminate();
        byte[] sent2 = Bytes.drain(encoder, 10);
        byte[] rest = drain(encoder);
        assertBytes(concat(all, frame('X').build()), concat(sent, sent2, rest));
        assertTrue(encoder.isEmpty());
    }

    @Test
    void aDrainOfNothingKeepsEverything() {
        encoder.sync();
        assertEquals(0, Bytes.drain(encoder, 0).length);
        assertBytes(frame('S').build(), drain(encoder));
    }

    @Test
    void pendingIsInReadModeAndCompactReturnsToWriteMode() {
        encoder.sync();
        ByteBuffer pending = encoder.pending();
        assertEquals(0, pending.position());
        assertEquals(5, pending.remaining());
        pending.get(new byte[5]);
        encoder.compact();
        assertTrue(encoder.isEmpty());
        encoder.terminate();
        assertBytes(frame('X').build(), drain(encoder));
    }

    @Test
    void aMessageBiggerThanTheInitialBuffer() {
        String sql = "SELECT '" + "é".repeat(50_000) + "'";
        encoder.query(sql);
        byte[] out = drain(encoder);
        assertEquals(1 + 4 + utf8(sql).length + 1, out.length);
        assertBytes(frame('Q').cstring(sql).build(), out);
    }

    @Test
    void aBigMessageAfterUnsentBytesKeepsThem() {
        encoder.query("SELECT 1");
        byte[] sent = Bytes.drain(encoder, 3);
        byte[] data = new byte[100_000];
        new java.util.Random(3).nextBytes(data);
        encoder.copyData(data, 0, data.length);
        encoder.copyDone();
        byte[] rest = drain(encoder);
        assertBytes(concat(frame('Q').cstring("SELECT 1").build(), frame('d').bytes(data).build(), frame('c').build()),
                concat(sent, rest));
    }

    @Test
    void aLargeMessageGrowsTheBufferWhichShrinksOnceAllOfItIsSent() {
        int initial = encoder.capacity();
        byte[] data = new byte[3 * FrontendEncoder.RETAINED_CAPACITY];
        new java.util.Random(4).nextBytes(data);
        encoder.copyData(data, 0, data.length);
        encoder.sync();
        assertTrue(encoder.capacity() > data.length);

        // Partly sent: the rest stays, and so does the buffer's size.
        byte[] sent = drain(encoder, data.length / 2);
        assertTrue(encoder.capacity() > data.length);
        byte[] rest = drain(encoder);
        assertBytes(concat(frame('d').bytes(data).build(), frame('S').build()), concat(sent, rest));
        assertEquals(initial, encoder.capacity(), "all sent: back to the initial size");

        encoder.query("SELECT 1");
        assertBytes(frame('Q').cstring("SELECT 1").build(), drain(encoder));
    }

    @Test
    void ordinaryMessagesKeepTheSameBuffer() {
        ByteBuffer first = encoder.pending();
        encoder.compact();
        for (int i = 0; i < 100_000; i++) {
            encoder.query("SELECT " + i);
            encoder.sync();
            drain(encoder);
        }
        encoder.query("SELECT 2");
        assertSame(first, encoder.pending(), "no new buffer for ordinary queries");
    }

    @Test
    void aBigStartupMessage() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "u");
        params.put("options", "-c search_path=" + "s".repeat(20_000));
        encoder.startup(params);
        assertBytes(Bytes.untyped().int32(196608).cstring("user").cstring("u").cstring("options")
                .cstring(params.get("options")).int8(0).build(), drain(encoder));
    }

    @Test
    void aNulInAQueryIsRejected() {
        encoder.sync();
        assertThrows(IllegalArgumentException.class, () -> encoder.query("SELECT 1\0; DROP TABLE t"));
        // Nothing of the rejected message may be left to go over the wire and desynchronise the server.
        encoder.query("SELECT 2");
        assertBytes(concat(frame('S').build(), frame('Q').cstring("SELECT 2").build()), drain(encoder));
    }

    @Test
    void aRejectedQueryLeavesAnEmptyEncoderEmpty() {
        assertThrows(IllegalArgumentException.class, () -> encoder.query("\0"));
        assertTrue(encoder.isEmpty());
    }

    @Test
    void aNulInAStartupParameterIsRejected() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "alice");
        params.put("application_name", "a\0b");
        assertThrows(IllegalArgumentException.class, () -> encoder.startup(params));
        assertTrue(encoder.isEmpty());
    }

    @Test
    void aNulInACopyFailMessageIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> encoder.copyFail("bad\0"));
        assertTrue(encoder.isEmpty());
    }

    @Test
    void bindWithResultFormats() {
        byte[] name = utf8("pgreen_1");
        byte[][] params = {utf8("7"), null};
        encoder.bind(name, params, null);
        Bytes head = frame('B').cstring("").cstring("pgreen_1").int16(0).int16(2).int32(1).bytes('7').int32(-1);
        assertBytes(head.int16(0).build(), drain(encoder));
        encoder.bind(name, params, new short[] {1, 1, 1});
        head = frame('B').cstring("").cstring("pgreen_1").int16(0).int16(2).int32(1).bytes('7').int32(-1);
        assertBytes(head.int16(1).int16(1).build(), drain(encoder)); // all alike: one format for every column
        encoder.bind(name, params, new short[] {1, 0, 1});
        head = frame('B').cstring("").cstring("pgreen_1").int16(0).int16(2).int32(1).bytes('7').int32(-1);
        assertBytes(head.int16(3).int16(1).int16(0).int16(1).build(), drain(encoder));
    }

    @Test
    void flushMessage() {
        encoder.flush();
        assertBytes(new byte[] {'H', 0, 0, 0, 4}, drain(encoder));
    }
}
