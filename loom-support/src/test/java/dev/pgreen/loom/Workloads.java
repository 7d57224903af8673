package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shapes of WORKLOADS.md that this module proves things with (W3, W7), shared
 * by the in-process tests and the child JVMs of {@link LoomProbe}. Not benchmarks:
 * the benchmarks module will time them against the peers.
 */
final class Workloads {
    static final String ACCOUNTS = "loom_accounts";
    static final int ACCOUNT_ROWS = 10_000;

    private Workloads() {}

    /** The balance every account row holds, so each read can be checked. */
    static int expectedBalance(int aid) {
        return (aid * 7919) % 100_000;
    }

    /** Creates the accounts table (idempotent): W3's pgbench_accounts in miniature. */
    static void createAccounts(String dsn) {
        try (Connection c = Pgreen.connect(dsn)) {
            c.setAutocommit(true);
            c.cursor().execute("CREATE TABLE IF NOT EXISTS " + ACCOUNTS
                    + " (aid int PRIMARY KEY, abalance int NOT NULL)");
            c.cursor().execute("INSERT INTO " + ACCOUNTS + " SELECT g, (g * 7919) % 100000 FROM generate_series(1, "
                    + ACCOUNT_ROWS + ") g ON CONFLICT DO NOTHING");
        }
    }

    /** What a W3 run did. */
    record W3Result(long queries, long errors, Duration elapsed, long p50Micros, long p99Micros) {
        double queriesPerSecond() {
            return queries / (elapsed.toNanos() / 1e9);
        }

        @Override
        public String toString() {
            return String.format("W3 queries=%d errors=%d elapsed_ms=%d qps=%.0f p50_us=%d p99_us=%d",
                    queries, errors, elapsed.toMillis(), queriesPerSecond(), p50Micros, p99Micros);
        }
    }

    /**
     * W3's shape: {@code tasks} virtual threads over a pool of {@code poolSize}, each
     * running {@code queriesPerTask} point selects with a random aid; every result is checked.
     */
    static W3Result w3(String dsn, int tasks, int queriesPerTask, int poolSize) throws Exception {
        return w3(dsn, tasks, queriesPerTask, poolSize, 0);
    }

    /**
     * {@link #w3(String, int, int, int)}; with a {@code pipeliningLimit} above 0 each select is a
     * one-shot {@code pool.executePrepared}, multiplexed up to that many per connection.
     */
    static W3Result w3(String dsn, int tasks, int queriesPerTask, int poolSize, int pipeliningLimit)
            throws Exception {
        long[] latencies = new long[tasks * queriesPerTask];
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        String select = "SELECT abalance FROM " + ACCOUNTS + " WHERE aid = %s";
        try (PgPool pool = PgPool.builder(dsn).name("w3").maxSize(poolSize).autocommit(true)
                .pipeliningLimit(Math.max(1, pipeliningLimit)).acquireTimeout(Duration.ofSeconds(120)).build();
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>(tasks);
            for (int t = 0; t < tasks; t++) {
                futures.add(vts.submit(() -> {
                    try (PooledConnection pc = pipeliningLimit > 0 ? null : pool.acquire()) {
                        for (int q = 0; q < queriesPerTask; q++) {
                            int aid = ThreadLocalRandom.current().nextInt(1, ACCOUNT_ROWS + 1);
                            long t0 = System.nanoTime();
                            Row row = pc == null ? pool.executePrepared(select, aid).one()
                                    : pc.cursor().execute(select, aid).fetchOne();
                            latencies[(int) next.getAndIncrement()] = System.nanoTime() - t0;
                            if (row == null || (Integer) row.get(0) != expectedBalance(aid)) {
                                errors.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        int n = (int) next.get();
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new W3Result(n, errors.get(), elapsed, sorted[n / 2] / 1000, sorted[(int) (n * 0.99)] / 1000);
    }

    /** What a W7 run did. */
    record W7Result(int connections, Duration connect, Duration queries, Set<String> carriers) {
        @Override
        public String toString() {
            return "W7 connections=" + connections + " connect_ms=" + connect.toMillis() + " query_ms="
                    + queries.toMillis() + " carriers=" + carriers.size();
        }
    }

    /**
     * W7: {@code n} virtual threads, each on its own connection, connect, meet at
     * a barrier, and run {@code SELECT pg_sleep(sleepSeconds)} at once; the query
     * phase is timed on its own. Also notes the carrier threads the virtual threads ran on.
     */
    static W7Result w7(String dsn, int n, double sleepSeconds) throws Exception {
        Set<String> carriers = ConcurrentHashMap.newKeySet();
        CountDownLatch connected = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            conns.add(null);
        }
        long t0 = System.nanoTime();
        long[] queryPhase = new long[2];
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                futures.add(vts.submit(() -> {
                    try (Connection c = Pgreen.connect(dsn)) {
                        c.setAutocommit(true);
                        carriers.add(carrierOf(Thread.currentThread()));
                        connected.countDown();
                        go.await();
                        Object v = c.cursor().execute("SELECT pg_sleep(%s), %s::int", sleepSeconds, id).fetchOne().get(1);
                        carriers.add(carrierOf(Thread.currentThread()));
                        return v;
                    }
                }));
            }
            connected.await();
            queryPhase[0] = System.nanoTime();
            go.countDown();
            for (int i = 0; i < n; i++) {
                Object v = futures.get(i).get();
                if (!Integer.valueOf(i).equals(v)) {
                    throw new AssertionError("task " + i + " got " + v);
                }
            }
            queryPhase[1] = System.nanoTime();
        }
        return new W7Result(n, Duration.ofNanos(queryPhase[0] - t0), Duration.ofNanos(queryPhase[1] - queryPhase[0]),
                carriers);
    }

    /** "VirtualThread[#22]/runnable@ForkJoinPool-1-worker-1" → "ForkJoinPool-1-worker-1". */
    private static String carrierOf(Thread t) {
        String s = t.toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? s : s.substring(at + 1);
    }

    // ---- JFR ----

    /** A jdk.VirtualThreadPinned event, with its stack as text. */
    record Pin(Duration duration, List<String> frames) {
        boolean inPackage(String prefix) {
            return frames.stream().anyMatch(f -> f.startsWith(prefix));
        }

        @Override
        public String toString() {
            return "pinned " + duration.toMillis() + " ms at\n\t" + String.join("\n\t", frames);
        }
    }

    /** The jdk.VirtualThreadPinned events of a recording. */
    static List<Pin> pins(Path recording) throws IOException {
        List<Pin> pins = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            if (e.getStackTrace() != null) {
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName()
                            + ":" + f.getLineNumber());
                }
            }
            pins.add(new Pin(e.getDuration(), frames));
        }
        return pins;
    }
}
