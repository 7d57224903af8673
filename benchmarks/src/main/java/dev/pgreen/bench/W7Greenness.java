package dev.pgreen.bench;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.loom.Loom;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * W7: 200 concurrent {@code SELECT pg_sleep(0.5)} on 200 connections from
 * virtual threads. Meant for a JVM started with
 * {@code -Djdk.virtualThreadScheduler.parallelism=1 -Djdk.virtualThreadScheduler.maxPoolSize=1}
 * ({@code .ci/bench} does): a driver that blocks the one carrier takes 100 s.
 */
final class W7Greenness implements Workload {
    static final int SESSIONS = 200;

    @Override
    public String id() {
        return "W7";
    }

    @Override
    public List<String> figures() {
        return List.of("wall s");
    }

    private interface Sleeper {
        void sleepOnce(int i) throws Exception;
    }

    @Override
    public List<Subject> subjects(Servers servers) throws Exception {
        return List.of(subject("pgreen + loom wait", servers, () -> {
            List<Connection> conns = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                Connection c = Pgreen.connect(servers.dsn());
                Loom.install(c);
                c.setAutocommit(true);
                conns.add(c);
            }
            return new Sessions(() -> conns.forEach(Connection::close),
                    i -> conns.get(i).cursor().execute("SELECT pg_sleep(0.5)"));
        }), subject("pgjdbc", servers, () -> {
            List<java.sql.Connection> conns = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                conns.add(servers.jdbc());
            }
            return new Sessions(() -> {
                for (java.sql.Connection c : conns) {
                    c.close();
                }
            }, i -> {
                try (Statement st = conns.get(i).createStatement()) {
                    st.execute("SELECT pg_sleep(0.5)");
                }
            });
        }));
    }

    private record Sessions(AutoCloseable closer, Sleeper sleeper) {}

    private interface SessionsFactory {
        Sessions open() throws Exception;
    }

    private static Subject subject(String name, Servers servers, SessionsFactory factory) {
        return new Subject() {
            public String name() {
                return name;
            }

            public double[] round() throws Exception {
                Sessions sessions = factory.open();
                try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
                    long start = System.nanoTime();
                    List<Future<?>> futures = new ArrayList<>();
                    for (int i = 0; i < SESSIONS; i++) {
                        int n = i;
                        futures.add(vts.submit(() -> {
                            sessions.sleeper().sleepOnce(n);
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                    return new double[] {(System.nanoTime() - start) / 1e9};
                } finally {
                    sessions.closer().close();
                }
            }
        };
    }
}
