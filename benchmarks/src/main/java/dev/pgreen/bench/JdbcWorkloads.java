package dev.pgreen.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgreen.loom.Loom;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W1, W2 and W3 through JDBC, the same code on both drivers: pgreen's {@code jdbc:pgreen:} against pgjdbc's
 * {@code jdbc:postgresql:}. W1j: PreparedStatement {@code SELECT ?} × 20,000. W2j: the W2 table's
 * 1,000,000 rows with a fetch size in a transaction. W3j: HikariCP, 10,000 virtual threads, 10 point
 * selects each (pgreen with Loom.install()).
 */
final class JdbcWorkloads {
    private JdbcWorkloads() {}

    /** A way to a JDBC connection: pgreen's or pgjdbc's. */
    private record Driver(String name, String url) {
        Connection connect(Servers servers) throws Exception {
            return servers.jdbc(url);
        }
    }

    private static List<Driver> drivers(Servers servers) {
        return List.of(new Driver("pgreen JDBC", servers.pgreenJdbcUrl()), new Driver("pgjdbc", servers.jdbcUrl()));
    }

    static final class W1 implements Workload {
        @Override
        public String id() {
            return "W1j";
        }

        @Override
        public List<String> figures() {
            return List.of("queries/s");
        }

        @Override
        public List<Subject> subjects(Servers servers) throws Exception {
            List<Subject> out = new ArrayList<>();
            for (Driver d : drivers(servers)) {
                Connection c = d.connect(servers);
                PreparedStatement ps = c.prepareStatement("SELECT ?");
                out.add(new Subject() {
                    public String name() {
                        return d.name() + " PreparedStatement";
                    }

                    public double[] round() throws Exception {
                        long start = System.nanoTime();
                        for (int i = 0; i < W1SelectOne.QUERIES; i++) {
                            ps.setInt(1, i);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                if (rs.getInt(1) != i) throw new AssertionError();
                            }
                        }
                        return new double[] {W1SelectOne.QUERIES / ((System.nanoTime() - start) / 1e9)};
                    }

                    public void close() throws Exception {
                        c.close();
                    }
                });
            }
            return out;
        }
    }

    static final class W2 implements Workload {
        static final int FETCH_SIZE = 5000;

        @Override
        public String id() {
            return "W2j";
        }

        @Override
        public List<String> figures() {
            return List.of("rows/s");
        }

        @Override
        public void prepare(Servers servers) {
            new W2WideRead().prepare(servers);
        }

        @Override
        public List<Subject> subjects(Servers servers) throws Exception {
            List<Subject> out = new ArrayList<>();
            for (Driver d : drivers(servers)) {
                Connection c = d.connect(servers);
                c.setAutoCommit(false);
                out.add(new Subject() {
                    public String name() {
                        return d.name() + " setFetchSize(" + FETCH_SIZE + ")";
                    }

                    public double[] round() throws Exception {
                        long start = System.nanoTime();
                        long checksum = 0;
                        long rows = 0;
                        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM w2")) {
                            ps.setFetchSize(FETCH_SIZE);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    int i = rs.getInt(1);
                                    String t = rs.getString(2);
                                    OffsetDateTime ts = rs.getObject(3, OffsetDateTime.class);
                                    BigDecimal n = rs.getBigDecimal(4);
                                    boolean b = rs.getBoolean(5);
                                    String h = rs.getString(6);
                                    checksum += i + t.length() + ts.getSecond() + n.scale() + (b ? 1 : 0) + h.length();
                                    rows++;
                                }
                            }
                        }
                        c.commit();
                        if (checksum == 0 || rows != W2WideRead.ROWS) {
                            throw new IllegalStateException("read " + rows + " rows");
                        }
                        return new double[] {rows / ((System.nanoTime() - start) / 1e9)};
                    }

                    public void close() throws Exception {
                        c.close();
                    }
                });
            }
            return out;
        }
    }

    static final class W3 implements Workload {
        @Override
        public String id() {
            return "W3j";
        }

        @Override
        public List<String> figures() {
            return List.of("queries/s", "p50 µs", "p99 µs");
        }

        @Override
        public void prepare(Servers servers) throws Exception {
            servers.ensurePgbenchData();
        }

        @Override
        public List<Subject> subjects(Servers servers) {
            List<Subject> out = new ArrayList<>();
            for (Driver d : drivers(servers)) {
                out.add(new Subject() {
                    public String name() {
                        return d.name() + " HikariCP";
                    }

                    public double[] round() throws Exception {
                        if (d.url().startsWith("jdbc:pgreen:")) {
                            Loom.install();
                        }
                        HikariConfig config = new HikariConfig();
                        config.setJdbcUrl(d.url());
                        config.setUsername(servers.user());
                        config.setMaximumPoolSize(W3PooledPointSelects.POOL);
                        config.setMinimumIdle(W3PooledPointSelects.POOL);
                        config.setConnectionTimeout(120_000);
                        int total = W3PooledPointSelects.TASKS * W3PooledPointSelects.QUERIES_PER_TASK;
                        long[] latencies = new long[total];
                        try (HikariDataSource ds = new HikariDataSource(config);
                             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
                            long start = System.nanoTime();
                            List<Future<?>> futures = new ArrayList<>(W3PooledPointSelects.TASKS);
                            for (int t = 0; t < W3PooledPointSelects.TASKS; t++) {
                                int offset = t * W3PooledPointSelects.QUERIES_PER_TASK;
                                futures.add(vts.submit(() -> {
                                    pointSelects(ds, latencies, offset);
                                    return null;
                                }));
                            }
                            for (Future<?> f : futures) {
                                f.get();
                            }
                            double seconds = (System.nanoTime() - start) / 1e9;
                            Arrays.sort(latencies);
                            return new double[] {total / seconds, latencies[total / 2] / 1e3,
                                    latencies[total * 99 / 100] / 1e3};
                        } finally {
                            Loom.uninstall();
                        }
                    }
                });
            }
            return out;
        }

        private static void pointSelects(HikariDataSource ds, long[] latencies, int offset) throws Exception {
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?")) {
                for (int q = 0; q < W3PooledPointSelects.QUERIES_PER_TASK; q++) {
                    long t0 = System.nanoTime();
                    int aid = 1 + ThreadLocalRandom.current().nextInt(1_000_000);
                    ps.setInt(1, aid);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no account " + aid);
                        }
                    }
                    latencies[offset + q] = System.nanoTime() - t0;
                }
            }
        }
    }
}
