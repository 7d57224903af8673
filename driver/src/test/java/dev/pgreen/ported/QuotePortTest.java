package dev.pgreen.ported;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Extensions;
import dev.pgreen.Pgreen;
import dev.pgreen.SqlQuote;
import dev.pgreen.adapt.Binary;
import dev.pgreen.adapt.QuotedString;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.extras.LoggingConnection;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Cases ported from psycopg2's tests/test_quote.py (QuotingTestCase, TestStringAdapter), plus the LoggingConnection
 * behaviour of psycopg2.extras (the log holds the query as mogrified). psycopg2-only parts are left out:
 * QuotedString.encoding, quote_ident, and adapting Python bytes through QuotedString.
 */
@ExtendWith(PgServerExtension.class)
class QuotePortTest {
    private Connection conn;

    @BeforeEach
    void connect(TestServer server) {
        conn = Pgreen.connect(server.dsn());
    }

    @AfterEach
    void close() {
        conn.close();
    }

    private static String q(SqlQuote quote) {
        return new String(quote.getQuoted(), StandardCharsets.UTF_8);
    }

    // ---- QuotingTestCase ----

    @Test
    void testString() {
        StringBuilder data = new StringBuilder("some data with \t chars\n        to escape into, 'quotes' and \\ a backslash too.\n        ");
        for (int c = 1; c < 127; c++) data.append((char) c);
        Cursor curs = conn.cursor();
        curs.execute("SELECT %s;", data.toString());
        assertEquals(data.toString(), curs.fetchOne().get(0));
        assertTrue(conn.notices().isEmpty(), conn.notices().toString());
    }

    @Test
    void testStringNullTerminator() {
        // psycopg2 raises ValueError "A string literal cannot contain NUL (0x00) characters."; API.md: DataException.
        Cursor curs = conn.cursor();
        DataException e = assertThrows(DataException.class, () -> curs.execute("SELECT %s", "abcd\u0001\u0000cdefg"));
        assertTrue(e.getMessage().contains("NUL (0x00)"), e.getMessage());
    }

    @Test
    void testBinary() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        buf.writeBytes("some data with \000\013 binary\n        stuff into, 'quotes' and \\ a backslash too.\n        "
                .getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 256; i++) buf.write(i);
        byte[] data = buf.toByteArray();
        Cursor curs = conn.cursor();
        curs.execute("SELECT %s::bytea;", new Binary(data));
        assertArrayEquals(data, (byte[]) curs.fetchOne().get(0));
        assertTrue(conn.notices().isEmpty(), conn.notices().toString());
    }

    @Test
    void testUnicode() {
        Cursor curs = conn.cursor();
        curs.execute("SHOW server_encoding");
        String serverEncoding = (String) curs.fetchOne().get(0);
        org.junit.jupiter.api.Assumptions.assumeTrue("UTF8".equals(serverEncoding),
                "Unicode test skipped since server encoding is " + serverEncoding);

        StringBuilder data = new StringBuilder(
                "some data with \t chars\n        to escape into, 'quotes', \u20ac euro sign and \\ a backslash too.\n        ");
        for (int u = 1; u < 65536; u++) {
            if (u < 0xD800 || u > 0xDFFF) data.append((char) u); // not the surrogate area
        }
        curs.execute("SET client_encoding TO 'UNICODE'");
        Extensions.registerType(Extensions.UNICODE, conn);
        curs.execute("SELECT %s::text;", data.toString());
        assertEquals(data.toString(), curs.fetchOne().get(0));
        assertTrue(conn.notices().isEmpty(), conn.notices().toString());
    }

    /** The ASCII part of test_latin1 / test_koi8: it round-trips whatever the client_encoding. */
    @Test
    void testLatin1AndKoi8Ascii() {
        StringBuilder ascii = new StringBuilder();
        for (int c = 32; c < 127; c++) ascii.append((char) c);
        for (String enc : List.of("LATIN1", "KOI8")) {
            Cursor curs = conn.cursor();
            curs.execute("SET client_encoding TO '" + enc + "'");
            curs.execute("SELECT %s::text;", ascii.toString());
            assertEquals(ascii.toString(), curs.fetchOne().get(0), enc);
            assertTrue(conn.notices().isEmpty(), conn.notices().toString());
        }
    }

    /** With a non-UTF8 client_encoding pgreen refuses non-ASCII text rather than send it misread. */
    @Test
    void nonAsciiWithALatin1SessionRaisesDataException() {
        Cursor curs = conn.cursor();
        curs.execute("SET client_encoding TO 'LATIN1'");
        assertThrows(DataException.class, () -> curs.execute("SELECT %s::text;", "\u00e8"));
    }

    // ---- TestStringAdapter ----

    @Test
    void testEncodingDefault() {
        SqlQuote a = Extensions.adapt("hello");
        assertInstanceOf(QuotedString.class, a);
        assertArrayEquals("'hello'".getBytes(StandardCharsets.US_ASCII), a.getQuoted());
    }

    @Test
    void testEncodingWithoutConnectionIsUtf8() {
        // psycopg2 defaults to latin1 without a connection (test_encoding_error: UnicodeEncodeError on a snowman);
        // API.md section 4: without a connection adapt assumes UTF-8, so the snowman is quoted (test_set_encoding).
        SqlQuote a = Extensions.adapt("\u2603");
        assertArrayEquals(new byte[] {'\'', (byte) 0xe2, (byte) 0x98, (byte) 0x83, '\''}, a.getQuoted());
    }

    @Test
    void testConnectionWinsAnyway() {
        SqlQuote a = Extensions.adapt("\u2603");
        conn.cursor().execute("SET client_encoding TO 'utf8'");
        a.prepare(conn);
        assertArrayEquals(new byte[] {'\'', (byte) 0xe2, (byte) 0x98, (byte) 0x83, '\''}, a.getQuoted());
    }

    @Test
    void quotingFollowsStandardConformingStrings() {
        Cursor curs = conn.cursor();
        for (String scs : List.of("on", "off")) {
            curs.execute("SET standard_conforming_strings TO " + scs);
            SqlQuote a = Extensions.adapt("a'b\\c");
            a.prepare(conn);
            assertEquals(scs.equals("on") ? "'a''b\\c'" : "E'a''b\\\\c'", q(a));
            curs.execute("SELECT %s", "a'b\\c");
            assertEquals("a'b\\c", curs.fetchOne().get(0));
            assertTrue(conn.notices().isEmpty(), conn.notices().toString());
        }
    }

    // ---- LoggingConnection (psycopg2.extras) ----

    @Test
    void loggingConnectionLogsTheMogrifiedQuery(TestServer server) {
        try (LoggingConnection lc = Pgreen.connect(server.dsn(), LoggingConnection::new)) {
            List<String> log = new ArrayList<>();
            lc.initialize(log::add);
            Cursor cur = lc.cursor();
            cur.execute("SELECT %s, %s", "it's", null);
            assertEquals(cur.mogrify("SELECT %s, %s", "it's", null), log.get(0));
            assertEquals("SELECT 'it''s', NULL", log.get(0));
            assertEquals(cur.query(), log.get(0));
        }
    }

    @Test
    void loggingConnectionLogsAFailedQueryAndRaises(TestServer server) {
        try (LoggingConnection lc = Pgreen.connect(server.dsn(), LoggingConnection::new)) {
            List<String> log = new ArrayList<>();
            lc.initialize(log::add);
            assertThrows(ProgrammingException.class, () -> lc.cursor().execute("SELECT nosuchcolumn_%s", 1));
            assertTrue(log.contains("SELECT nosuchcolumn_1"), log.toString());
        }
    }

    @Test
    void loggingConnectionLogsToAFileLikeObject(TestServer server) {
        try (LoggingConnection lc = Pgreen.connect(server.dsn(), LoggingConnection::new)) {
            StringBuilder out = new StringBuilder();
            lc.initialize(out);
            lc.cursor().execute("SELECT 1");
            lc.cursor().execute("SELECT %s", 2);
            assertEquals("SELECT 1" + System.lineSeparator() + "SELECT 2" + System.lineSeparator(), out.toString());
        }
    }

    @Test
    void loggingConnectionFilterSeesEveryMessage(TestServer server) {
        class Filtering extends LoggingConnection {
            final List<Cursor> cursors = new ArrayList<>();

            Filtering(dev.pgreen.ConnectInfo info) {
                super(info);
            }

            @Override
            protected String filter(String msg, Cursor cur) {
                cursors.add(cur);
                return msg + "   -- filtered";
            }
        }
        try (Filtering lc = Pgreen.connect(server.dsn(), Filtering::new)) {
            List<String> log = new ArrayList<>();
            lc.initialize(log::add);
            Cursor cur = lc.cursor();
            cur.execute("SELECT %s", 42);
            assertEquals(List.of("SELECT 42   -- filtered"), log);
            assertSame(cur, lc.cursors.get(0));
        }
    }

    @Test
    void loggingConnectionNotInitializedRaises(TestServer server) {
        try (LoggingConnection lc = Pgreen.connect(server.dsn(), LoggingConnection::new)) {
            ProgrammingException e = assertThrows(ProgrammingException.class, () -> lc.cursor().execute("SELECT 1"));
            assertTrue(e.getMessage().contains("initialize()d"), e.getMessage());
        }
    }
}
