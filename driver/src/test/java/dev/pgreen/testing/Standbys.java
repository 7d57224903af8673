package dev.pgreen.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Streaming standbys for the multi-host tests, from the local binaries only (others skip):
 * {@link #of} gives the standby of the run's shared server, started on first use (pg_basebackup -R)
 * and stopped at JVM exit; {@link #newPair()} gives a primary and standby of their own, for a test
 * that stops or promotes servers (the shared server is never stopped).
 */
public final class Standbys {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static Node shared; // guarded by LOCK

    private Standbys() {}

    /** A server of the test run: TCP on 127.0.0.1. */
    public static final class Node {
        private final LocalCluster cluster;

        Node(LocalCluster cluster) {
            this.cluster = cluster;
        }

        public String host() {
            return "127.0.0.1";
        }

        public int port() {
            return cluster.port;
        }

        /** The Unix-socket directory of this server. */
        public String socketDir() {
            return cluster.socketDir.toString();
        }

        /** Runs SQL as the superuser through psql (read-only on a standby). */
        public String psql(String sql) {
            return cluster.psql(sql);
        }

        /** Stops the server at once and removes it. */
        public void stop() {
            cluster.stop();
        }

        /** Makes this standby a primary, waiting until it is one. */
        public void promote() {
            cluster.promote();
        }
    }

    /** A primary of its own and its standby; {@link #close()} removes both. */
    public record Pair(Node primary, Node standby) implements AutoCloseable {
        @Override
        public void close() {
            standby.stop();
            primary.stop();
        }
    }

    /** The streaming standby of {@code server}; skips the test unless the server is a throwaway local cluster. */
    public static Node of(TestServer server) {
        LocalCluster primary = server.localCluster();
        assumeTrue(primary != null, "needs a throwaway local cluster to make a standby of");
        LOCK.lock();
        try {
            if (shared == null) {
                Node node = new Node(primary.startStandby());
                Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "pgreen-standby-stop"));
                shared = node;
                System.err.println("pgreen tests: streaming standby at 127.0.0.1:" + node.port());
            }
            return shared;
        } finally {
            LOCK.unlock();
        }
    }

    /** A new primary (initdb, the test roles) with a standby; skips the test without local binaries. */
    public static Pair newPair(TestServer server) {
        assumeTrue(server.localCluster() != null, "needs the local PostgreSQL binaries");
        LocalCluster primary = LocalCluster.start();
        try {
            LocalCluster standby = primary.startStandby();
            return new Pair(new Node(primary), new Node(standby));
        } catch (RuntimeException e) {
            primary.stop();
            throw e;
        }
    }
}
