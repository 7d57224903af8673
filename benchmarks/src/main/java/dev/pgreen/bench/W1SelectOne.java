package dev.pgreen.bench;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** W1: one connection, sequential SELECT 1, 20,000 times. */
final class W1SelectOne implements Workload {
    static final int QUERIES = 20_000;

    @Override
    public String id() {
        return "W1";
    }

    @Override
    public List<String> figures() {
        return List.of("queries/s");
    }

    @Override
    public List<Subject> subjects(Servers servers) throws Exception {
        List<Subject> subjects = new ArrayList<>(List.of(pgreen(servers), pgreenPrepared(servers),
                jdbcStatement(servers), jdbcPrepared(servers)));
        // References: how close any client gets, in C (pgbench) and on the JVM (the protocol alone).
        Pgbench.of(servers, "reference: pgbench -M prepared", 1,
                "-M", "prepared", "-f", Pgbench.script("SELECT 1"), "-c", "1", "-t", String.valueOf(QUERIES))
                .ifPresent(subjects::add);
        ProtocolFloor.of(servers, QUERIES).ifPresent(subjects::add);
        return subjects;
    }

    /** execute against Statement; executePrepared against PreparedStatement and the references. */
    @Override
    public int pgreenCounterpart(int peerSubject) {
        return peerSubject == 2 ? 0 : 1;
    }

    private static Subject pgreenPrepared(Servers servers) {
        Connection conn = Pgreen.connect(servers.dsn());
        conn.setAutocommit(true);
        Cursor cur = conn.cursor();
        return new Subject() {
            public String name() {
                return "pgreen cur.executePrepared";
            }

            public double[] round() {
                long start = System.nanoTime();
                for (int i = 0; i < QUERIES; i++) {
                    if ((Integer) cur.executePrepared("SELECT 1").fetchOne().get(0) != 1) throw new AssertionError();
                }
                return new double[] {QUERIES / ((System.nanoTime() - start) / 1e9)};
            }

            public void close() {
                conn.close();
            }
        };
    }

    private static Subject pgreen(Servers servers) {
        Connection conn = Pgreen.connect(servers.dsn());
        conn.setAutocommit(true);
        Cursor cur = conn.cursor();
        return new Subject() {
            public String name() {
                return "pgreen cur.execute";
            }

            public double[] round() {
                long start = System.nanoTime();
                for (int i = 0; i < QUERIES; i++) {
                    if ((Integer) cur.execute("SELECT 1").fetchOne().get(0) != 1) throw new AssertionError();
                }
                return new double[] {QUERIES / ((System.nanoTime() - start) / 1e9)};
            }

            public void close() {
                conn.close();
            }
        };
    }

    private static Subject jdbcStatement(Servers servers) throws Exception {
        java.sql.Connection c = servers.jdbc();
        Statement st = c.createStatement();
        return new Subject() {
            public String name() {
                return "pgjdbc Statement";
            }

            public double[] round() throws Exception {
                long start = System.nanoTime();
                for (int i = 0; i < QUERIES; i++) {
                    try (ResultSet rs = st.executeQuery("SELECT 1")) {
                        rs.next();
                        if (rs.getInt(1) != 1) throw new AssertionError();
                    }
                }
                return new double[] {QUERIES / ((System.nanoTime() - start) / 1e9)};
            }

            public void close() throws Exception {
                c.close();
            }
        };
    }

    private static Subject jdbcPrepared(Servers servers) throws Exception {
        java.sql.Connection c = servers.jdbc();
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        return new Subject() {
            public String name() {
                return "pgjdbc PreparedStatement";
            }

            public double[] round() throws Exception {
                long start = System.nanoTime();
                for (int i = 0; i < QUERIES; i++) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) != 1) throw new AssertionError();
                    }
                }
                return new double[] {QUERIES / ((System.nanoTime() - start) / 1e9)};
            }

            public void close() throws Exception {
                c.close();
            }
        };
    }
}
