package dev.pgreen.bench;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.extras.Batches;
import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** W4: insert 100,000 rows (int, text, timestamptz), each subject into its own fresh table. */
final class W4Insert implements Workload {
    static final int ROWS = 100_000;
    private static final OffsetDateTime T0 = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    @Override
    public String id() {
        return "W4";
    }

    @Override
    public List<String> figures() {
        return List.of("rows/s");
    }

    /**
     * executeManyPrepared against the plain batch (both one prepared statement),
     * executeValues against the rewritten one, COPY against CopyManager.
     */
    @Override
    public int pgreenCounterpart(int peerSubject) {
        return switch (peerSubject) {
            case 4 -> 1;
            case 5 -> 2;
            case 6 -> 3;
            default -> 0;
        };
    }

    private static void recreate(Servers servers, String table) throws Exception {
        try (java.sql.Connection c = servers.jdbc(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
            st.execute("CREATE TABLE " + table + " (i int, t text, ts timestamptz)");
        }
    }

    private static double rate(long start) {
        return ROWS / ((System.nanoTime() - start) / 1e9);
    }

    @Override
    public List<Subject> subjects(Servers servers) {
        List<Object[]> rows = new ArrayList<>(ROWS);
        StringBuilder copyText = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            OffsetDateTime ts = T0.plusSeconds(i);
            rows.add(new Object[] {i, "text " + i, ts.toString()});
            copyText.append(i).append("\ttext ").append(i).append('\t').append(ts).append('\n');
        }
        byte[] copyBytes = copyText.toString().getBytes(StandardCharsets.UTF_8);
        return List.of(
                subject("pgreen executeMany", () -> {
                    recreate(servers, "w4_pgreen");
                    try (Connection conn = Pgreen.connect(servers.dsn())) {
                        long start = System.nanoTime();
                        Cursor cur = conn.cursor();
                        cur.executeMany("INSERT INTO w4_pgreen VALUES (%s, %s, %s::timestamptz)", rows);
                        conn.commit();
                        check(cur.rowCount());
                        return rate(start);
                    }
                }),
                subject("pgreen executeManyPrepared", () -> {
                    recreate(servers, "w4_pgreen_prepared");
                    try (Connection conn = Pgreen.connect(servers.dsn())) {
                        long start = System.nanoTime();
                        Cursor cur = conn.cursor();
                        cur.executeManyPrepared("INSERT INTO w4_pgreen_prepared VALUES (%s, %s, %s::timestamptz)", rows);
                        conn.commit();
                        check(cur.rowCount());
                        return rate(start);
                    }
                }),
                subject("pgreen executeValues", () -> {
                    recreate(servers, "w4_pgreen_values");
                    try (Connection conn = Pgreen.connect(servers.dsn())) {
                        long start = System.nanoTime();
                        long n = Batches.executeValues(conn.cursor(), "INSERT INTO w4_pgreen_values VALUES %s", rows,
                                "(%s, %s, %s::timestamptz)", 1000);
                        conn.commit();
                        check(n);
                        return rate(start);
                    }
                }),
                subject("pgreen COPY", () -> {
                    recreate(servers, "w4_pgreen_copy");
                    try (Connection conn = Pgreen.connect(servers.dsn())) {
                        long start = System.nanoTime();
                        Cursor cur = conn.cursor();
                        cur.copyFrom(new ByteArrayInputStream(copyBytes), "w4_pgreen_copy");
                        conn.commit();
                        check(cur.rowCount());
                        return rate(start);
                    }
                }),
                subject("pgjdbc executeBatch", () -> jdbcBatch(servers, "w4_jdbc", false, rows)),
                subject("pgjdbc batch rewritten", () -> jdbcBatch(servers, "w4_jdbc_rw", true, rows)),
                subject("pgjdbc CopyManager", () -> {
                    recreate(servers, "w4_jdbc_copy");
                    try (java.sql.Connection c = servers.jdbc()) {
                        c.setAutoCommit(false);
                        long start = System.nanoTime();
                        long n = c.unwrap(PGConnection.class).getCopyAPI()
                                .copyIn("COPY w4_jdbc_copy FROM STDIN", new ByteArrayInputStream(copyBytes));
                        c.commit();
                        check(n);
                        return rate(start);
                    }
                }));
    }

    private static double jdbcBatch(Servers servers, String table, boolean rewrite, List<Object[]> rows)
            throws Exception {
        recreate(servers, table);
        try (java.sql.Connection c = rewrite ? servers.jdbc("reWriteBatchedInserts", "true") : servers.jdbc()) {
            c.setAutoCommit(false);
            long start = System.nanoTime();
            long n = 0;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
                for (int i = 0; i < rows.size(); i++) {
                    Object[] r = rows.get(i);
                    ps.setInt(1, (Integer) r[0]);
                    ps.setString(2, (String) r[1]);
                    ps.setObject(3, OffsetDateTime.parse((String) r[2]));
                    ps.addBatch();
                    if ((i + 1) % 1000 == 0 || i == rows.size() - 1) {
                        for (int k : ps.executeBatch()) {
                            n += k == Statement.SUCCESS_NO_INFO ? 1 : k;
                        }
                    }
                }
            }
            c.commit();
            check(n);
            return rate(start);
        }
    }

    private static void check(long n) {
        if (n != ROWS) {
            throw new IllegalStateException("inserted " + n + " rows, expected " + ROWS);
        }
    }

    private interface Round {
        double run() throws Exception;
    }

    private static Subject subject(String name, Round round) {
        return new Subject() {
            public String name() {
                return name;
            }

            public double[] round() throws Exception {
                return new double[] {round.run()};
            }
        };
    }
}
