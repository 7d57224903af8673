package dev.pgreen.testing;

import dev.pgreen.Connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Stops and resumes server processes (SIGSTOP/SIGCONT) for tests of a server
 * that stops answering. Only for a cluster this machine runs; elsewhere the
 * test is skipped. {@link Stopped#close()} always resumes the process.
 */
public final class ServerProcesses {
    private ServerProcesses() {}

    /** A stopped process, resumed by {@link #close()}. */
    public record Stopped(long pid) implements AutoCloseable {
        @Override
        public void close() {
            signal("CONT", pid);
        }
    }

    /** Stops the backend serving {@code conn}. */
    public static Stopped stopBackend(TestServer server, Connection conn) {
        assumeTrue(server.kind() == TestServer.Kind.LOCAL, "needs a server whose processes this machine runs");
        return stop(conn.backendPid());
    }

    /** Stops the postmaster (the parent of {@code conn}'s backend): new connections, cancels included, hang. */
    public static Stopped stopPostmaster(TestServer server, Connection conn) {
        assumeTrue(server.kind() == TestServer.Kind.LOCAL, "needs a server whose processes this machine runs");
        String ppid = run("ps", "-o", "ppid=", "-p", String.valueOf(conn.backendPid())).trim();
        return stop(Long.parseLong(ppid));
    }

    private static Stopped stop(long pid) {
        signal("STOP", pid);
        return new Stopped(pid);
    }

    private static void signal(String sig, long pid) {
        run("kill", "-" + sig, String.valueOf(pid));
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
