package dev.pgreen.bench;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;

/** W2: SELECT * FROM w2 (1,000,000 rows, filled once), every column materialised as a Java object. */
final class W2WideRead implements Workload {
    static final int ROWS = 1_000_000;

    @Override
    public String id() {
        return "W2";
    }

    @Override
    public List<String> figures() {
        return List.of("rows/s");
    }

    @Override
    public void prepare(Servers servers) {
        try (Connection conn = Pgreen.connect(servers.dsn())) {
            conn.setAutocommit(true);
            Object n = conn.cursor().execute("SELECT count(*) FROM pg_tables WHERE tablename = 'w2'").fetchOne().get(0);
            if ((Long) n == 0) {
                conn.cursor().execute("CREATE TABLE w2 AS SELECT g AS i, g::text AS t, now() + g * interval '1 second' AS ts, "
                        + "(g::numeric / 7) AS n, (g % 2 = 0) AS b, md5(g::text) AS h FROM generate_series(1, " + ROWS + ") g");
                conn.cursor().execute("VACUUM ANALYZE w2");
            }
        }
    }

    @Override
    public List<Subject> subjects(Servers servers) throws Exception {
        Connection conn = Pgreen.connect(servers.dsn());
        conn.setAutocommit(true);
        java.sql.Connection jdbc = servers.jdbc();
        java.sql.Connection jdbcFetch = servers.jdbc();
        jdbcFetch.setAutoCommit(false);
        return List.of(new Subject() {
            public String name() {
                return "pgreen stream()";
            }

            public double[] round() {
                long start = System.nanoTime();
                long[] checksum = {0};
                try (java.util.stream.Stream<Row> rows = conn.cursor().stream("SELECT * FROM w2")) {
                    rows.forEach(r -> checksum[0] += checksum(r));
                }
                return new double[] {rate(start, checksum[0])};
            }

            public void close() {
            }
        }, new Subject() {
            public String name() {
                return "pgreen cursor";
            }

            public double[] round() {
                long start = System.nanoTime();
                Cursor cur = conn.cursor().execute("SELECT * FROM w2");
                long checksum = 0;
                for (Row r : cur) {
                    checksum += checksum(r);
                }
                return new double[] {rate(start, checksum)};
            }

            public void close() {
                conn.close();
            }
        }, new Subject() {
            public String name() {
                return "pgjdbc ResultSet";
            }

            public double[] round() throws Exception {
                long start = System.nanoTime();
                long checksum = 0;
                try (Statement st = jdbc.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM w2")) {
                    while (rs.next()) {
                        checksum += checksum(rs);
                    }
                }
                return new double[] {rate(start, checksum)};
            }

            public void close() throws Exception {
                jdbc.close();
            }
        }, new Subject() {
            public String name() {
                return "pgjdbc fetchSize 10000";
            }

            public double[] round() throws Exception {
                long start = System.nanoTime();
                long checksum = 0;
                try (Statement st = jdbcFetch.createStatement()) {
                    st.setFetchSize(10_000);
                    try (ResultSet rs = st.executeQuery("SELECT * FROM w2")) {
                        while (rs.next()) {
                            checksum += checksum(rs);
                        }
                    }
                }
                jdbcFetch.commit();
                return new double[] {rate(start, checksum)};
            }

            public void close() throws Exception {
                jdbcFetch.close();
            }
        });
    }

    private static long checksum(Row r) {
        Integer i = (Integer) r.get(0);
        String t = (String) r.get(1);
        OffsetDateTime ts = (OffsetDateTime) r.get(2);
        BigDecimal n = (BigDecimal) r.get(3);
        Boolean b = (Boolean) r.get(4);
        String h = (String) r.get(5);
        return i + t.length() + ts.getSecond() + n.scale() + (b ? 1 : 0) + h.length();
    }

    private static long checksum(ResultSet rs) throws java.sql.SQLException {
        Integer i = (Integer) rs.getObject(1);
        String t = rs.getString(2);
        OffsetDateTime ts = rs.getObject(3, OffsetDateTime.class);
        BigDecimal n = rs.getBigDecimal(4);
        Boolean b = (Boolean) rs.getObject(5);
        String h = rs.getString(6);
        return i + t.length() + ts.getSecond() + n.scale() + (b ? 1 : 0) + h.length();
    }

    private static double rate(long start, long checksum) {
        if (checksum == 0) {
            throw new IllegalStateException("no rows read");
        }
        return ROWS / ((System.nanoTime() - start) / 1e9);
    }
}
