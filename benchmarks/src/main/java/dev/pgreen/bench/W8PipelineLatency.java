package dev.pgreen.bench;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.Pipeline;
import dev.pgreen.testing.LatencyProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * W8: round trips. 1,000 short INSERTs, then 1,000 point SELECTs, on one
 * connection through a proxy that adds 2 ms each way (a network hop): pgreen's
 * pipeline against pgreen one by one, pgjdbc's executeBatch (its SELECTs go one
 * by one: JDBC cannot batch queries) and vertx-pg-client's pipelined client.
 */
final class W8PipelineLatency implements Workload {
    static final int STATEMENTS = 1_000;
    private static final Duration ONE_WAY = Duration.ofMillis(2);
    private static final String INSERT = "INSERT INTO %s VALUES (%%s, %%s)";
    private static final String SELECT = "SELECT v FROM w8_data WHERE id = %s";

    private LatencyProxy proxy;
    private Servers proxied;

    @Override
    public String id() {
        return "W8";
    }

    @Override
    public List<String> figures() {
        return List.of("inserts/s", "selects/s");
    }

    @Override
    public void prepare(Servers servers) throws Exception {
        try (java.sql.Connection c = servers.jdbc(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS w8_data");
            st.execute("CREATE TABLE w8_data (id int PRIMARY KEY, v text)");
            st.execute("INSERT INTO w8_data SELECT g, 'value ' || g FROM generate_series(0, " + (STATEMENTS - 1) + ") g");
            for (String t : List.of("w8_pipeline", "w8_sequential", "w8_jdbc", "w8_vertx")) {
                st.execute("DROP TABLE IF EXISTS " + t);
                st.execute("CREATE TABLE " + t + " (id int, v text)");
            }
        }
        String host = servers.host();
        proxy = LatencyProxy.start(host.startsWith("/")
                ? UnixDomainSocketAddress.of(Path.of(host, ".s.PGSQL." + servers.port()))
                : new InetSocketAddress(host, servers.port()), ONE_WAY);
        proxied = servers.via("127.0.0.1", proxy.port());
        System.out.printf("W8: through a %d ms-each-way proxy (a round trip is about %d ms)%n",
                ONE_WAY.toMillis(), 2 * ONE_WAY.toMillis());
    }

    private static void truncate(Servers direct, String table) throws Exception {
        try (java.sql.Connection c = direct.jdbc(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE " + table);
        }
    }

    private static double rate(long start) {
        return STATEMENTS / ((System.nanoTime() - start) / 1e9);
    }

    private static void check(long n, String what) {
        if (n != STATEMENTS) {
            throw new IllegalStateException(what + ": " + n + ", expected " + STATEMENTS);
        }
    }

    @Override
    public List<Subject> subjects(Servers servers) throws Exception {
        return List.of(pgreen(servers, true), pgreen(servers, false), jdbc(servers), vertx(servers));
    }

    private Subject pgreen(Servers direct, boolean pipelined) {
        String table = pipelined ? "w8_pipeline" : "w8_sequential";
        Connection conn = Pgreen.connect(proxied.dsn());
        conn.setAutocommit(true);
        return new Subject() {
            public String name() {
                return pipelined ? "pgreen pipeline" : "pgreen sequential";
            }

            public double[] round() throws Exception {
                truncate(direct, table);
                String insert = INSERT.formatted(table);
                long start = System.nanoTime();
                long inserted = 0;
                List<Cursor> cursors = new ArrayList<>(STATEMENTS);
                try (Pipeline p = pipelined ? conn.pipeline() : null) {
                    for (int i = 0; i < STATEMENTS; i++) {
                        cursors.add(conn.cursor().executePrepared(insert, i, "row " + i));
                    }
                }
                for (Cursor c : cursors) {
                    inserted += c.rowCount();
                }
                double inserts = rate(start);
                check(inserted, "inserted");

                start = System.nanoTime();
                cursors.clear();
                try (Pipeline p = pipelined ? conn.pipeline() : null) {
                    for (int i = 0; i < STATEMENTS; i++) {
                        cursors.add(conn.cursor().executePrepared(SELECT, i));
                    }
                }
                long found = 0;
                for (Cursor c : cursors) {
                    found += c.fetchOne() != null ? 1 : 0;
                }
                double selects = rate(start);
                check(found, "selected");
                return new double[] {inserts, selects};
            }

            public void close() {
                conn.close();
            }
        };
    }

    private Subject jdbc(Servers direct) throws Exception {
        java.sql.Connection c = proxied.jdbc();
        return new Subject() {
            public String name() {
                return "pgjdbc executeBatch";
            }

            public double[] round() throws Exception {
                truncate(direct, "w8_jdbc");
                long start = System.nanoTime();
                long inserted = 0;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO w8_jdbc VALUES (?, ?)")) {
                    for (int i = 0; i < STATEMENTS; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, "row " + i);
                        ps.addBatch();
                    }
                    for (int k : ps.executeBatch()) {
                        inserted += k == Statement.SUCCESS_NO_INFO ? 1 : k;
                    }
                }
                double inserts = rate(start);
                check(inserted, "inserted");

                start = System.nanoTime();
                long found = 0;
                try (PreparedStatement ps = c.prepareStatement("SELECT v FROM w8_data WHERE id = ?")) {
                    for (int i = 0; i < STATEMENTS; i++) {
                        ps.setInt(1, i);
                        try (ResultSet rs = ps.executeQuery()) {
                            found += rs.next() ? 1 : 0;
                        }
                    }
                }
                double selects = rate(start);
                check(found, "selected");
                return new double[] {inserts, selects};
            }

            public void close() throws Exception {
                c.close();
            }
        };
    }

    /** One connection (pool size 1) that pipelines up to 256 commands (vertx-pg-client's default limit). */
    private Subject vertx(Servers direct) {
        Vertx vertx = Vertx.vertx();
        PgConnectOptions options = new PgConnectOptions().setHost(proxied.host()).setPort(proxied.port())
                .setDatabase(proxied.database()).setUser(proxied.user()).setPipeliningLimit(256)
                // Prepared once and reused, as pgreen's executePrepared does (uncached, each query waits for its Parse).
                .setCachePreparedStatements(true);
        if (proxied.password() != null) {
            options.setPassword(proxied.password());
        }
        SqlClient client = PgBuilder.client().with(new PoolOptions().setMaxSize(1)).connectingTo(options)
                .using(vertx).build();
        return new Subject() {
            public String name() {
                return "vertx-pg-client pipelined";
            }

            public double[] round() throws Exception {
                truncate(direct, "w8_vertx");
                long start = System.nanoTime();
                List<Future<RowSet<Row>>> inserts = new ArrayList<>(STATEMENTS);
                for (int i = 0; i < STATEMENTS; i++) {
                    inserts.add(client.preparedQuery("INSERT INTO w8_vertx VALUES ($1, $2)")
                            .execute(Tuple.of(i, "row " + i)));
                }
                long inserted = 0;
                for (RowSet<Row> rs : all(inserts)) {
                    inserted += rs.rowCount();
                }
                double insertRate = rate(start);
                check(inserted, "inserted");

                start = System.nanoTime();
                List<Future<RowSet<Row>>> selects = new ArrayList<>(STATEMENTS);
                for (int i = 0; i < STATEMENTS; i++) {
                    selects.add(client.preparedQuery("SELECT v FROM w8_data WHERE id = $1").execute(Tuple.of(i)));
                }
                long found = 0;
                for (RowSet<Row> rs : all(selects)) {
                    found += rs.size();
                }
                double selectRate = rate(start);
                check(found, "selected");
                return new double[] {insertRate, selectRate};
            }

            public void close() throws Exception {
                client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        };
    }

    private static <T> List<T> all(List<Future<T>> futures) throws Exception {
        Future.all(futures).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        List<T> out = new ArrayList<>(futures.size());
        for (Future<T> f : futures) {
            out.add(f.result());
        }
        return out;
    }
}
