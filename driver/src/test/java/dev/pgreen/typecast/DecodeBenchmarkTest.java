package dev.pgreen.typecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;
import dev.pgreen.ScrollMode;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;

import java.math.BigDecimal;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Decoding cost per row of W2's row shape (int4, text, timestamptz, numeric, bool, text; WORKLOADS.md), pgreen
 * against pgjdbc, until the benchmarks module exists. Excluded from ordinary runs; run it with
 * {@code mvn -pl driver test -Dgroups=bench -Dtest=DecodeBenchmarkTest}.
 *
 * <p>What is timed is the materialisation only: both drivers first read the whole result into memory (pgreen's
 * {@code execute}, pgjdbc's {@code executeQuery} with fetch size 0), then every round walks all rows and turns
 * every column into a Java object (Integer, String, OffsetDateTime, BigDecimal, Boolean, String). pgreen
 * re-walks its result with {@code scroll(0, ABSOLUTE)}, pgjdbc with {@code beforeFirst()}. The end-to-end times
 * (query + transfer + decoding) are printed too, for information only. Only ratios from one run count.
 *
 * <p>System properties: {@code pgreen.bench.rows} (default 200000), {@code pgreen.bench.rounds} (default 7).
 */
@Tag("bench")
@ExtendWith(PgServerExtension.class)
class DecodeBenchmarkTest {
    private static final int ROWS = Integer.getInteger("pgreen.bench.rows", 200_000);
    private static final int ROUNDS = Integer.getInteger("pgreen.bench.rounds", 7);
    private static final int WARMUP = 3;
    private static final String TABLE = "pgreen_bench_w2";
    private static final String QUERY = "SELECT i, t, ts, n, b, h FROM " + TABLE;

    /** Values are stored here so that the JIT cannot drop the objects it decodes. */
    private static final Object[] SINK = new Object[1024];
    private static int sinkIndex;

    private static void consume(Object o) {
        SINK[sinkIndex++ & 1023] = o;
    }

    @Test
    void w2RowDecodingCostsLessThanPgjdbc(TestServer server) throws Exception {
        try (Connection conn = Pgreen.connect(server.dsn())) {
            conn.setAutocommit(true);
            Cursor cur = conn.cursor();
            cur.execute("DROP TABLE IF EXISTS " + TABLE);
            cur.execute("CREATE TABLE " + TABLE + " AS SELECT g AS i, g::text AS t, now() + g * interval '1 second' AS ts,"
                    + " (g::numeric / 7) AS n, (g % 2 = 0) AS b, md5(g::text) AS h FROM generate_series(1, " + ROWS + ") g");
            cur.execute("VACUUM ANALYZE " + TABLE);
            try {
                run(server, conn);
            } finally {
                cur.execute("DROP TABLE IF EXISTS " + TABLE);
            }
        }
    }

    private void run(TestServer server, Connection conn) throws Exception {
        String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + server.database();
        Properties text = jdbcProperties(server);
        Properties binary = jdbcProperties(server);
        binary.setProperty("prepareThreshold", "-1"); // server-prepared from the first execution: binary results

        try (java.sql.Connection jdbc = DriverManager.getConnection(url, text);
             java.sql.Connection jdbcBinary = DriverManager.getConnection(url, binary)) {
            Cursor cur = conn.cursor();
            cur.execute(QUERY);
            assertEquals(ROWS, cur.rowCount());
            Statement st = jdbc.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
            ResultSet rs = st.executeQuery(QUERY);
            PreparedStatement ps = jdbcBinary.prepareStatement(QUERY, ResultSet.TYPE_SCROLL_INSENSITIVE,
                    ResultSet.CONCUR_READ_ONLY);
            ResultSet rsBinary = ps.executeQuery();

            checkSameValues(cur, rs);

            long[] pgreen = new long[ROUNDS];
            long[] pgjdbc = new long[ROUNDS];
            long[] pgjdbcBinary = new long[ROUNDS];
            for (int round = -WARMUP; round < ROUNDS; round++) {
                // Interleaved, so that a noisy phase of the machine hits every driver alike.
                long a = timeDecode(cur);
                long b = timeDecode(rs);
                long c = timeDecode(rsBinary);
                if (round >= 0) {
                    pgreen[round] = a;
                    pgjdbc[round] = b;
                    pgjdbcBinary[round] = c;
                }
            }
            rs.close();
            rsBinary.close();

            long[] pgreenE2e = new long[3];
            long[] pgjdbcE2e = new long[3];
            for (int round = -1; round < 3; round++) {
                long a = timeEndToEnd(cur);
                long b = timeEndToEnd(st);
                if (round >= 0) {
                    pgreenE2e[round] = a;
                    pgjdbcE2e[round] = b;
                }
            }
            st.close();
            ps.close();

            double pg = median(pgreen) / (double) ROWS;
            double jt = median(pgjdbc) / (double) ROWS;
            double jb = median(pgjdbcBinary) / (double) ROWS;
            StringBuilder report = new StringBuilder();
            report.append(String.format(Locale.ROOT, "%nW2 row decoding, %d rows, %d rounds after %d warm-up (ns/row: min, median)%n",
                    ROWS, ROUNDS, WARMUP));
            report.append(line("pgreen", pgreen)).append(line("pgjdbc text (Statement)", pgjdbc))
                    .append(line("pgjdbc binary (prepared)", pgjdbcBinary));
            report.append(String.format(Locale.ROOT, "ratio pgreen / pgjdbc text   (median): %.3f%n", pg / jt));
            report.append(String.format(Locale.ROOT, "ratio pgreen / pgjdbc binary (median): %.3f%n", pg / jb));
            report.append(String.format(Locale.ROOT, "end to end (query + transfer + decoding), ms: pgreen %s, pgjdbc text %s%n",
                    millis(pgreenE2e), millis(pgjdbcE2e)));
            System.out.print(report);
            assertTrue(pg < jt, "pgreen must decode W2's rows in less time per row than pgjdbc's ResultSet:" + report);
        }
    }

    private static Properties jdbcProperties(TestServer server) {
        Properties p = new Properties();
        p.setProperty("user", server.user());
        String password = System.getenv("PGPASSWORD");
        if (password != null) p.setProperty("password", password);
        return p;
    }

    private static void checkSameValues(Cursor cur, ResultSet rs) throws Exception {
        cur.scroll(0, ScrollMode.ABSOLUTE);
        rs.beforeFirst();
        for (int n = 0; n < 1000 && rs.next(); n++) {
            Row row = cur.fetchOne();
            assertEquals(rs.getObject(1), row.get(0));
            assertEquals(rs.getString(2), row.get(1));
            assertTrue(rs.getObject(3, OffsetDateTime.class).isEqual((OffsetDateTime) row.get(2)));
            assertEquals(rs.getBigDecimal(4), row.get(3));
            assertEquals(rs.getObject(5), row.get(4));
            assertEquals(rs.getString(6), row.get(5));
        }
    }

    private static long timeDecode(Cursor cur) {
        cur.scroll(0, ScrollMode.ABSOLUTE);
        long start = System.nanoTime();
        int n = 0;
        for (Row row; (row = cur.fetchOne()) != null; n++) {
            consume(row.get(0));
            consume(row.get(1));
            consume(row.get(2));
            consume(row.get(3));
            consume(row.get(4));
            consume(row.get(5));
        }
        long t = System.nanoTime() - start;
        assertEquals(ROWS, n);
        return t;
    }

    private static long timeDecode(ResultSet rs) throws Exception {
        rs.beforeFirst();
        long start = System.nanoTime();
        int n = 0;
        while (rs.next()) {
            consume(rs.getObject(1));
            consume(rs.getString(2));
            consume(rs.getObject(3, OffsetDateTime.class));
            consume(rs.getBigDecimal(4));
            consume(rs.getObject(5));
            consume(rs.getString(6));
            n++;
        }
        long t = System.nanoTime() - start;
        assertEquals(ROWS, n);
        return t;
    }

    private static long timeEndToEnd(Cursor cur) {
        long start = System.nanoTime();
        cur.execute(QUERY);
        for (Row row; (row = cur.fetchOne()) != null; ) {
            for (int i = 0; i < 6; i++) consume(row.get(i));
        }
        return System.nanoTime() - start;
    }

    private static long timeEndToEnd(Statement st) throws Exception {
        long start = System.nanoTime();
        try (ResultSet rs = st.executeQuery(QUERY)) {
            while (rs.next()) {
                consume(rs.getObject(1));
                consume(rs.getString(2));
                consume(rs.getObject(3, OffsetDateTime.class));
                BigDecimal n = rs.getBigDecimal(4);
                consume(n);
                consume(rs.getObject(5));
                consume(rs.getString(6));
            }
        }
        return System.nanoTime() - start;
    }

    private static long median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String line(String name, long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "  %-26s %8.1f %8.1f%n", name, s[0] / (double) ROWS, median(t) / (double) ROWS);
    }

    private static String millis(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "min %.0f / median %.0f", s[0] / 1e6, median(t) / 1e6);
    }
}
