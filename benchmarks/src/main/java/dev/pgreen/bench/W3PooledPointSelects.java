package dev.pgreen.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.loom.Loom;
import dev.pgreen.loom.PgPool;
import dev.pgreen.loom.PooledConnection;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * W3: 10,000 virtual threads (W3p: 16 platform threads) over a pool of 16
 * connections, each task 10 point selects on pgbench_accounts by a random aid
 * on one borrowed connection. Latency is per select, the pool wait excluded.
 *
 * <p>Beside them, the one-shot way: each select is a call on the pool itself,
 * which multiplexes the statements of many tasks on each connection (pgreen's
 * {@code PgPool.executePrepared} with {@code pipeliningLimit}, vertx-pg-client's
 * pool with {@code pipeliningLimit}, a virtual thread blocking on its future).
 * There the latency of a select includes its wait for room on a connection:
 * with 10,000 callers it is mostly queueing (Little's law), not comparable to
 * the borrowed-connection figures.
 */
final class W3PooledPointSelects implements Workload {
    static final int TASKS = 10_000;
    static final int QUERIES_PER_TASK = 10;
    static final int POOL = 16;
    private static final int ACCOUNTS = 1_000_000;
    /** Statements in flight per connection for the multiplexed pools (vertx-pg-client's default). */
    static final int PIPELINING_LIMIT = 256;
    private static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = %s";

    private final boolean virtualThreads;

    W3PooledPointSelects(boolean virtualThreads) {
        this.virtualThreads = virtualThreads;
    }

    @Override
    public String id() {
        return virtualThreads ? "W3" : "W3p";
    }

    @Override
    public List<String> figures() {
        return List.of("queries/s", "p50 µs", "p99 µs");
    }

    @Override
    public void prepare(Servers servers) throws Exception {
        servers.ensurePgbenchData();
    }

    /** One task: borrow a connection, run the point selects, record each one's latency, give it back. */
    private interface Task {
        void run(long[] latencies, int offset) throws Exception;
    }

    private static int randomAid() {
        return 1 + ThreadLocalRandom.current().nextInt(ACCOUNTS);
    }

    @Override
    public List<Subject> subjects(Servers servers) {
        List<Subject> subjects = new ArrayList<>(List.of(subject("pgreen PgPool (executePrepared)", servers, () -> {
            PgPool pool = PgPool.builder(servers.dsn()).maxSize(POOL).autocommit(true)
                    .waitCallback(Loom.waitCallback()).build();
            return new Pool(pool::close, (latencies, offset) -> {
                try (PooledConnection pc = pool.acquire()) {
                    pgreenSelects(pc.cursor(), latencies, offset);
                }
            });
        }), subject("pgreen multiplexed pool", servers, () -> {
            PgPool pool = PgPool.builder(servers.dsn()).maxSize(POOL).pipeliningLimit(PIPELINING_LIMIT)
                    .waitCallback(Loom.waitCallback()).build();
            return new Pool(pool::close, (latencies, offset) -> {
                for (int q = 0; q < QUERIES_PER_TASK; q++) {
                    long t0 = System.nanoTime();
                    int aid = randomAid();
                    if (pool.executePrepared(SELECT, aid).one() == null) {
                        throw new IllegalStateException("no account " + aid);
                    }
                    latencies[offset + q] = System.nanoTime() - t0;
                }
            });
        }), subject("pgreen fair queue", servers, () -> {
            FairQueue<dev.pgreen.Connection> queue = new FairQueue<>(POOL, () -> {
                dev.pgreen.Connection c = Pgreen.connect(servers.dsn(),
                        info -> new dev.pgreen.Connection(info.withWaitCallback(Loom.waitCallback())));
                c.setAutocommit(true);
                return c;
            });
            return new Pool(queue, (latencies, offset) -> {
                dev.pgreen.Connection c = queue.borrow();
                try {
                    pgreenSelects(c.cursor(), latencies, offset);
                } finally {
                    queue.giveBack(c);
                }
            });
        }), subject("pgjdbc HikariCP", servers, () -> {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(servers.jdbcUrl());
            config.setUsername(servers.user());
            config.setMaximumPoolSize(POOL);
            config.setMinimumIdle(POOL);
            HikariDataSource ds = new HikariDataSource(config);
            return new Pool(ds::close, (latencies, offset) -> {
                try (java.sql.Connection c = ds.getConnection()) {
                    jdbcSelects(c, latencies, offset);
                }
            });
        }), subject("pgjdbc fair queue", servers, () -> {
            FairQueue<java.sql.Connection> queue = new FairQueue<>(POOL, servers::jdbc);
            return new Pool(queue, (latencies, offset) -> {
                java.sql.Connection c = queue.borrow();
                try {
                    jdbcSelects(c, latencies, offset);
                } finally {
                    queue.giveBack(c);
                }
            });
        }), subject("vertx-pg-client pipelined pool", servers, () -> {
            Vertx vertx = Vertx.vertx();
            PgConnectOptions options = new PgConnectOptions().setHost(servers.host()).setPort(servers.port())
                    .setDatabase(servers.database()).setUser(servers.user()).setPipeliningLimit(PIPELINING_LIMIT)
                    .setCachePreparedStatements(true);
            if (servers.password() != null) {
                options.setPassword(servers.password());
            }
            io.vertx.sqlclient.Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(POOL))
                    .connectingTo(options).using(vertx).build();
            String sql = SELECT.replace("%s", "$1");
            return new Pool(() -> {
                pool.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }, (latencies, offset) -> {
                for (int q = 0; q < QUERIES_PER_TASK; q++) {
                    long t0 = System.nanoTime();
                    int aid = randomAid();
                    if (pool.preparedQuery(sql).execute(Tuple.of(aid)).toCompletionStage().toCompletableFuture()
                            .get().size() != 1) {
                        throw new IllegalStateException("no account " + aid);
                    }
                    latencies[offset + q] = System.nanoTime() - t0;
                }
            });
        })));
        // libpq's own figure for the same selects: pgbench's select-only script, one connection per client.
        Pgbench.of(servers, "reference: pgbench -S", figures().size(), "-S", "-M", "prepared",
                "-c", String.valueOf(POOL), "-j", "2", "-t", String.valueOf(TASKS * QUERIES_PER_TASK / POOL))
                .ifPresent(subjects::add);
        return subjects;
    }

    /** One task's point selects on a borrowed pgreen connection. */
    private static void pgreenSelects(Cursor cur, long[] latencies, int offset) {
        for (int q = 0; q < QUERIES_PER_TASK; q++) {
            long t0 = System.nanoTime();
            int aid = randomAid();
            if (cur.executePrepared(SELECT, aid).fetchOne() == null) {
                throw new IllegalStateException("no account " + aid);
            }
            latencies[offset + q] = System.nanoTime() - t0;
        }
    }

    /** One task's point selects on a borrowed pgjdbc connection. */
    private static void jdbcSelects(java.sql.Connection c, long[] latencies, int offset) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?")) {
            for (int q = 0; q < QUERIES_PER_TASK; q++) {
                long t0 = System.nanoTime();
                int aid = randomAid();
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

    /**
     * pgjdbc + HikariCP and libpq's pgbench against PgPool; pgjdbc on the fair queue against pgreen on
     * it; vertx's pipelined pool against pgreen's multiplexed one.
     */
    @Override
    public int pgreenCounterpart(int peerSubject) {
        return switch (peerSubject) {
            case 4 -> 2;
            case 5 -> 1;
            default -> 0;
        };
    }

    private record Pool(AutoCloseable closer, Task query) {}

    private interface PoolFactory {
        Pool open() throws Exception;
    }

    private Subject subject(String name, Servers servers, PoolFactory factory) {
        return new Subject() {
            public String name() {
                return name;
            }

            public double[] round() throws Exception {
                Pool pool = factory.open();
                long[] latencies = new long[TASKS * QUERIES_PER_TASK];
                try (ExecutorService exec = virtualThreads ? Executors.newVirtualThreadPerTaskExecutor()
                        : Executors.newFixedThreadPool(POOL)) {
                    long start = System.nanoTime();
                    List<Future<?>> futures = new ArrayList<>(TASKS);
                    for (int t = 0; t < TASKS; t++) {
                        int task = t;
                        futures.add(exec.submit(() -> {
                            pool.query().run(latencies, task * QUERIES_PER_TASK);
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Arrays.sort(latencies);
                    return new double[] {latencies.length / seconds, latencies[latencies.length / 2] / 1e3,
                            latencies[latencies.length * 99 / 100] / 1e3};
                } finally {
                    pool.closer().close();
                }
            }
        };
    }
}
