package dev.pgreen.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The test server's processes, for fault tests: SIGSTOP/SIGCONT of one backend or of the postmaster, and a
 * restart. Only the throw-away local cluster has processes this JVM may signal: on a {@code PGREEN_TEST_DSN}
 * server or a container, {@link #of} skips the calling test.
 *
 * <p>A stopped process is resumed by closing its {@link Stopped} (use try-with-resources), and in any case before
 * the cluster is stopped or restarted, so a failing test never leaves the server stopped. The cluster is shared
 * by the whole test JVM: a restart ends every session of every test class.
 */
public final class ServerProcesses {
    /** Pids stopped and not yet resumed, over the whole JVM. */
    private static final Set<Long> STOPPED = ConcurrentHashMap.newKeySet();
    private static final long STATE_WAIT_NANOS = 5_000_000_000L;

    private final LocalCluster cluster;

    private ServerProcesses(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** The processes of {@code server}; skips the calling test unless it is the throw-away local cluster. */
    public static ServerProcesses of(TestServer server) {
        assumeTrue(server.kind() == TestServer.Kind.LOCAL,
                "signals and restarts need the throw-away local cluster, not a " + server.kind() + " server");
        return new ServerProcesses(server.localCluster());
    }

    public long postmasterPid() {
        return cluster.postmasterPid();
    }

    /** SIGSTOPs backend {@code pid} (a child of the postmaster); returns once it is stopped. */
    public Stopped stopBackend(int pid) {
        long postmaster = postmasterPid();
        long parent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
        if (parent != postmaster) {
            throw new IllegalArgumentException("process " + pid + " is not a backend of the test server (postmaster "
                    + postmaster + ")");
        }
        return stop(pid);
    }

    /** SIGSTOPs the postmaster: it accepts no connection, and so answers no cancel request, until resumed. */
    public Stopped stopPostmaster() {
        return stop(postmasterPid());
    }

    /**
     * {@code pg_ctl restart -m fast}, after resuming anything stopped; returns once the server accepts
     * connections again. Every open session, of any test, ends.
     */
    public void restart() {
        resumeAll();
        cluster.restart();
    }

    private Stopped stop(long pid) {
        STOPPED.add(pid);
        try {
            LocalCluster.signal(pid, "STOP");
            awaitState(pid, 'T');
        } catch (RuntimeException | Error e) {
            resume(pid);
            throw e;
        }
        return new Stopped(pid);
    }

    /** SIGCONTs every process still stopped (the cluster calls it before it stops). */
    static void resumeAll() {
        for (Long pid : Set.copyOf(STOPPED)) {
            resume(pid);
        }
    }

    private static void resume(long pid) {
        if (STOPPED.remove(pid)) {
            LocalCluster.signal(pid, "CONT");
        }
    }

    /** Waits until {@code /proc/PID/stat} shows {@code state} (where there is a /proc); fails after 5 s. */
    private static void awaitState(long pid, char state) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(Path.of("/proc/self/stat"))) return;
        long deadline = System.nanoTime() + STATE_WAIT_NANOS;
        while (System.nanoTime() - deadline < 0) {
            try {
                String s = Files.readString(stat);
                // pid (comm) STATE ...: the command may hold spaces and parentheses, the state follows the last ')'.
                if (s.charAt(s.lastIndexOf(')') + 2) == state) return;
            } catch (IOException e) {
                throw new IllegalStateException("process " + pid + " is gone", e);
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("process " + pid + " did not reach state " + state + " within 5 s");
    }

    /** A process stopped by SIGSTOP; {@link #close()} resumes it (once; later calls do nothing). */
    public static final class Stopped implements AutoCloseable {
        private final long pid;

        private Stopped(long pid) {
            this.pid = pid;
        }

        public long pid() {
            return pid;
        }

        @Override
        public void close() {
            resume(pid);
        }
    }
}
