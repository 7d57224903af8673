package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.WaitCallback;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import dev.pgreen.wait.SelectWait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * The measurement behind the choice of the shared poller (README): the cost of
 * one wait, as sequential {@code SELECT 1} round trips, for each way of waiting
 * on each kind of thread, and the same with 16 connections at once. Not a test:
 * run it by hand, ideally with client and server on one CPU, e.g.
 * {@code taskset -c 0 mvn -pl loom-support test -Dtest=PollerOverheadBench -Dpgreen.bench=true}.
 */
@EnabledIfSystemProperty(named = "pgreen.bench", matches = "true")
@ExtendWith(PgServerExtension.class)
public class PollerOverheadBench {
    private static final int QUERIES = 20_000;
    private static final int ROUNDS = 5;

    @AfterAll
    static void restore() {
        TestWait.install();
    }

    private record Way(String name, ThreadFactory threads, WaitCallback callback) {}

    @Test
    void perWaitOverhead(TestServer server) throws Exception {
        System.err.println(measure(server));
    }

    /** Also runnable without the build lock: {@code java -cp <test class path> dev.pgreen.loom.PollerOverheadBench}. */
    public static void main(String[] args) throws Exception {
        try {
            System.out.println(measure(TestServer.get()));
        } finally {
            TestServer.shutdown();
        }
    }

    static String measure(TestServer server) throws Exception {
        Pgreen.setWaitCallback(null);
        List<Way> ways = List.of(
                new Way("platform + driver default", Thread.ofPlatform().factory(), null),
                new Way("platform + SelectWait", Thread.ofPlatform().factory(), new SelectWait()),
                new Way("platform + VirtualThreadWait (delegates to SelectWait)", Thread.ofPlatform().factory(),
                        new VirtualThreadWait()),
                new Way("platform + shared poller (forced)", Thread.ofPlatform().factory(), new VirtualThreadWait(true)),
                new Way("virtual + VirtualThreadWait (shared poller)", Thread.ofVirtual().factory(),
                        new VirtualThreadWait()),
                new Way("virtual + SelectWait (Selector per thread)", Thread.ofVirtual().factory(), new SelectWait()),
                new Way("virtual + driver default (Selector per connection)", Thread.ofVirtual().factory(), null));
        StringBuilder report = new StringBuilder("\nloom per-wait overhead, java " + System.getProperty("java.version")
                + ", " + QUERIES + " x SELECT 1 per round, " + ROUNDS + " rounds after a warm-up (us/query)\n");
        for (int connections : new int[] {1, 16}) {
            report.append(String.format("%d connection(s) at once:%n", connections));
            for (Way way : ways) {
                double[] rounds = new double[ROUNDS];
                run(server, way, connections, QUERIES / 4); // warm-up
                for (int r = 0; r < ROUNDS; r++) {
                    rounds[r] = run(server, way, connections, QUERIES);
                }
                Arrays.sort(rounds);
                report.append(String.format("  %-58s min %6.1f  median %6.1f%n", way.name(), rounds[0],
                        rounds[ROUNDS / 2]));
            }
        }
        return report.toString();
    }

    /** Microseconds per query over all connections. */
    private static double run(TestServer server, Way way, int connections, int queries) throws Exception {
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Connection c = Pgreen.connect(server.dsn());
            c.setAutocommit(true);
            c.setWaitCallback(way.callback());
            conns.add(c);
        }
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(way.threads())) {
            List<Callable<Object>> tasks = new ArrayList<>();
            for (Connection c : conns) {
                tasks.add(() -> {
                    Cursor cur = c.cursor();
                    for (int q = 0; q < queries / connections; q++) {
                        cur.execute("SELECT 1");
                        cur.fetchOne();
                    }
                    return null;
                });
            }
            long start = System.nanoTime();
            for (Future<Object> f : threads.invokeAll(tasks)) {
                f.get();
            }
            return (System.nanoTime() - start) / 1000.0 / queries;
        } finally {
            conns.forEach(Connection::close);
        }
    }
}
