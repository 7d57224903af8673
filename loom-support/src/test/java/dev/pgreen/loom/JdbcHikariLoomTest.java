package dev.pgreen.loom;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import jdk.jfr.Recording;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import pincontrol.JdbcPinControl;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unmodified JDBC code (a DAO that knows nothing of virtual threads) behind HikariCP over jdbc:pgreen:
 * 10,000 virtual threads with Loom.install(), every answer checked, and a JFR recording of
 * jdk.VirtualThreadPinned at threshold 0 that shows no event at all but the positive control's.
 */
@ExtendWith(PgServerExtension.class)
class JdbcHikariLoomTest {
    private static final int TASKS = 10_000;
    private static final int QUERIES_PER_TASK = 3;

    /** Ordinary blocking JDBC: nothing here knows how it waits. */
    static final class AccountDao {
        private final javax.sql.DataSource ds;

        AccountDao(javax.sql.DataSource ds) {
            this.ds = ds;
        }

        int balance(int aid) throws SQLException {
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT abalance FROM loom_accounts WHERE aid = ?")) {
                ps.setInt(1, aid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("no account " + aid);
                    }
                    return rs.getInt(1);
                }
            }
        }
    }

    @AfterAll
    static void restore() {
        TestWait.install();
    }

    @Test
    void tenThousandVirtualThreadsThroughHikariPinNothing(TestServer server, @TempDir Path dir) throws Exception {
        LoomTesting.requireLoopback(server);
        Loom.install();
        Workloads.createAccounts(server.dsn());
        Path jfr = dir.resolve("jdbc-hikari.jfr");
        AtomicLong errors = new AtomicLong();
        AtomicLong queries = new AtomicLong();
        long start;
        long elapsed;
        try (HikariDataSource ds = JdbcLibraries.pool(server, 16);
             Recording recording = new Recording()) {
            AccountDao dao = new AccountDao(ds);
            // A class's first use loads and initializes it, which holds the carrier a moment (the JVM's doing,
            // for any code, recorded as a pin): run the path on virtual threads first, then record the rest.
            try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> warmUp = new ArrayList<>();
                for (int t = 0; t < 200; t++) {
                    warmUp.add(vts.submit(() -> {
                        for (int q = 0; q < 10; q++) {
                            dao.balance(ThreadLocalRandom.current().nextInt(1, Workloads.ACCOUNT_ROWS + 1));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : warmUp) {
                    f.get();
                }
            }
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            start = System.nanoTime();
            try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> futures = new ArrayList<>(TASKS);
                for (int t = 0; t < TASKS; t++) {
                    futures.add(vts.submit(() -> {
                        for (int q = 0; q < QUERIES_PER_TASK; q++) {
                            int aid = ThreadLocalRandom.current().nextInt(1, Workloads.ACCOUNT_ROWS + 1);
                            if (dao.balance(aid) != Workloads.expectedBalance(aid)) {
                                errors.incrementAndGet();
                            }
                            queries.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            elapsed = System.nanoTime() - start;
            Thread.ofVirtual().start(JdbcPinControl::touch).join();
            recording.stop();
            recording.dump(jfr);
        }
        System.err.printf("jdbc hikari: %d queries by %d virtual threads in %d ms%n", queries.get(), TASKS,
                elapsed / 1_000_000);
        assertEquals(0, errors.get(), "every point select returned the right balance");
        assertEquals((long) TASKS * QUERIES_PER_TASK, queries.get());
        List<Workloads.Pin> pins = Workloads.pins(jfr);
        List<Workloads.Pin> control = pins.stream().filter(p -> p.inPackage("pincontrol.")).toList();
        List<Workloads.Pin> others = pins.stream().filter(p -> !p.inPackage("pincontrol.")).toList();
        assertFalse(control.isEmpty(), "the control pinned a virtual thread, yet the recording shows no event");
        assertTrue(others.isEmpty(), others.size() + " jdk.VirtualThreadPinned events besides the control:\n"
                + others.stream().map(Workloads.Pin::toString).collect(Collectors.joining("\n")));
    }
}
