package dev.pgreen.wait;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.ServerProcesses;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.*;

/** Many connections, one thread: the wait callback yields to a cooperative scheduler. */
@ExtendWith(PgServerExtension.class)
class CooperativeSchedulerTest {

    @AfterEach
    void restore() {
        TestWait.install();
    }

    @Test
    void manyTasksInterleaveOnOneThread(TestServer server) throws Throwable {
        int tasks = 40;
        List<Object> results = new ArrayList<>();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (CooperativeScheduler scheduler = new CooperativeScheduler()) {
            Pgreen.setWaitCallback(scheduler.waitCallback());
            for (int i = 0; i < tasks; i++) {
                int n = i;
                scheduler.spawn(() -> {
                    threads.add(Thread.currentThread());
                    try (Connection conn = Pgreen.connect(server.dsn())) {
                        conn.setAutocommit(true);
                        Object v = conn.cursor().execute("SELECT %s::int FROM pg_sleep(0.2)", n).fetchOne().get(0);
                        conn.cursor().execute("SELECT pg_sleep(0.05)");
                        results.add(v);
                    }
                });
            }
            scheduler.run();
            assertEquals(tasks, results.size());
            assertEquals(tasks * (tasks - 1) / 2, results.stream().mapToInt(o -> (Integer) o).sum());
            assertEquals(1, threads.size(), "every task ran on the scheduler's one thread");
            assertTrue(scheduler.peakWaiting() >= tasks / 2,
                    "the tasks waited on the server at the same time: peak " + scheduler.peakWaiting());
        }
    }

    @Test
    void twoTasksOnOneConnectionRaiseInsteadOfDeadlocking(TestServer server) throws Throwable {
        List<Object> outcomes = new ArrayList<>();
        try (CooperativeScheduler scheduler = new CooperativeScheduler();
             Connection shared = Pgreen.connect(server.dsn())) {
            shared.setAutocommit(true);
            shared.setWaitCallback(scheduler.waitCallback());
            scheduler.spawn(() -> outcomes.add(shared.cursor().execute("SELECT 'first' FROM pg_sleep(0.2)").fetchOne().get(0)));
            scheduler.spawn(() -> {
                try {
                    shared.cursor().execute("SELECT 'second'");
                    outcomes.add("second ran while the first was in progress");
                } catch (ProgrammingException e) {
                    outcomes.add(e.getMessage());
                }
            });
            scheduler.run();
            assertEquals(List.of("another command is already in progress", "first"), outcomes);
            shared.setWaitCallback(null);
            assertEquals("after", shared.cursor().execute("SELECT 'after'").fetchOne().get(0));
        }
    }

    @Test
    void aCancelThatTheServerNeverAnswersKeepsTheSchedulerRunning(TestServer server) throws Throwable {
        List<Object> outcomes = new ArrayList<>();
        int[] otherQueries = {0};
        try (CooperativeScheduler scheduler = new CooperativeScheduler();
             Connection stuck = Pgreen.connect(server.dsn());
             Connection other = Pgreen.connect(server.dsn())) {
            stuck.setAutocommit(true);
            other.setAutocommit(true);
            stuck.setWaitCallback(scheduler.waitCallback());
            other.setWaitCallback(scheduler.waitCallback());
            stuck.setStatementTimeout(Duration.ofMillis(300));
            boolean[] done = {false};
            long start = System.nanoTime();
            long[] failedAfter = {0};
            try (ServerProcesses.Stopped ignored = ServerProcesses.of(server).stopPostmaster()) {
                scheduler.spawn(() -> {
                    try {
                        stuck.cursor().execute("SELECT pg_sleep(30)");
                        outcomes.add("the statement ran to its end");
                    } catch (OperationalException e) {
                        outcomes.add(e.getMessage());
                    } finally {
                        failedAfter[0] = System.nanoTime() - start;
                        done[0] = true;
                    }
                });
                // Existing backends still answer: this task must keep running while the cancel goes unanswered.
                scheduler.spawn(() -> {
                    while (!done[0]) {
                        other.cursor().execute("SELECT pg_sleep(0.02)");
                        otherQueries[0]++;
                    }
                });
                scheduler.run();
            }
            assertEquals(1, outcomes.size());
            assertTrue(String.valueOf(outcomes.get(0)).contains("did not answer the cancel request"), outcomes.toString());
            assertTrue(stuck.isClosed(), "a connection whose state is unknown is closed");
            long grace = dev.pgreen.PollingWait.CANCEL_GRACE.toNanos();
            assertTrue(failedAfter[0] < grace + 3_000_000_000L, "gave up within the grace: " + failedAfter[0] / 1_000_000 + " ms");
            assertTrue(otherQueries[0] > 100, "the other task kept running meanwhile: " + otherQueries[0] + " queries");
            other.setWaitCallback(null);
            assertEquals(1, other.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }
}
