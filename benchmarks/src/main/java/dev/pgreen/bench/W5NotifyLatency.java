package dev.pgreen.bench;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * W5: B sends NOTIFYs one at a time, each waiting until A has received it.
 * The figure is the time from B's send to A's receipt.
 */
final class W5NotifyLatency implements Workload {
    static final int NOTIFIES = 2_000;

    @Override
    public String id() {
        return "W5";
    }

    @Override
    public List<String> figures() {
        return List.of("p50 µs", "p99 µs");
    }

    /** The listening side: blocks until the next notification and returns when it arrived (nanoTime). */
    private interface Listener extends AutoCloseable {
        long next() throws Exception;
    }

    @Override
    public List<Subject> subjects(Servers servers) {
        return List.of(subject("pgreen awaitNotifies", servers, () -> {
            Connection a = Pgreen.connect(servers.dsn());
            a.setAutocommit(true);
            a.cursor().execute("LISTEN w5");
            return new Listener() {
                public long next() {
                    while (a.notifies().isEmpty()) {
                        a.awaitNotifies(Duration.ofSeconds(10));
                    }
                    long t = System.nanoTime();
                    a.notifies().clear();
                    return t;
                }

                public void close() {
                    a.close();
                }
            };
        }), subject("pgjdbc getNotifications", servers, () -> {
            java.sql.Connection a = servers.jdbc();
            try (Statement st = a.createStatement()) {
                st.execute("LISTEN w5");
            }
            PGConnection pg = a.unwrap(PGConnection.class);
            return new Listener() {
                public long next() throws Exception {
                    for (;;) {
                        PGNotification[] n = pg.getNotifications(10_000);
                        if (n != null && n.length > 0) {
                            return System.nanoTime();
                        }
                    }
                }

                public void close() throws Exception {
                    a.close();
                }
            };
        }));
    }

    private interface ListenerFactory {
        Listener open() throws Exception;
    }

    private static Subject subject(String name, Servers servers, ListenerFactory factory) {
        return new Subject() {
            public String name() {
                return name;
            }

            public double[] round() throws Exception {
                long[] latencies = new long[NOTIFIES];
                SynchronousQueue<Long> received = new SynchronousQueue<>();
                try (Listener a = factory.open(); java.sql.Connection b = servers.jdbc();
                     Statement notify = b.createStatement()) {
                    Thread listener = Thread.ofPlatform().start(() -> {
                        try {
                            for (int i = 0; i < NOTIFIES; i++) {
                                received.put(a.next());
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    for (int i = 0; i < NOTIFIES; i++) {
                        long sent = System.nanoTime();
                        notify.execute("NOTIFY w5");
                        Long at = received.poll(10, TimeUnit.SECONDS);
                        if (at == null) {
                            throw new IllegalStateException("notification " + i + " never arrived");
                        }
                        latencies[i] = at - sent;
                    }
                    listener.join();
                }
                Arrays.sort(latencies);
                return new double[] {latencies[NOTIFIES / 2] / 1e3, latencies[NOTIFIES * 99 / 100] / 1e3};
            }
        };
    }
}
