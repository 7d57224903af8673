package dev.pgreen.demo;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.PollState;
import dev.pgreen.Row;
import dev.pgreen.WaitCallback;
import dev.pgreen.errors.PgException;
import dev.pgreen.testing.TestServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tour of pgreen: {@code bash .ci/demo [DSN]}. Without a DSN it starts a
 * throwaway PostgreSQL from the local binaries.
 */
public final class Demo {
    private Demo() {}

    /** A wait callback that says what it waits for, then waits with a Selector. */
    static final class TalkingWait implements WaitCallback {
        final AtomicInteger waits = new AtomicInteger();
        volatile boolean quiet;

        @Override
        public void await(Connection conn) {
            try (Selector selector = Selector.open()) {
                for (PollState s = conn.poll(); s != PollState.OK; s = conn.poll()) {
                    waits.incrementAndGet();
                    if (!quiet) {
                        System.out.println("    [wait callback] poll() said " + s + ", waiting on the socket");
                    }
                    SocketChannel ch = (SocketChannel) conn.channel();
                    int ops = s == PollState.READ ? SelectionKey.OP_READ
                            : ch.isConnectionPending() ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
                    SelectionKey key = ch.register(selector, ops);
                    selector.select();
                    key.cancel();
                    selector.selectNow();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String dsn = args.length > 0 ? args[0] : null;
        if (dsn == null) {
            System.out.println("No DSN given: starting a throwaway PostgreSQL server...");
            dsn = TestServer.get().dsn();
        }
        System.out.println("Connecting to: " + dsn);

        TalkingWait wait = new TalkingWait();
        Pgreen.setWaitCallback(wait);
        System.out.println("\n1. Connect: every wait of the start-up goes through the wait callback");
        try (Connection conn = Pgreen.connect(dsn)) {
            System.out.printf("   connected: server %d, backend pid %d, %d waits so far%n",
                    conn.serverVersion(), conn.backendPid(), wait.waits.get());

            System.out.println("\n2. Execute with %s placeholders, adapted client-side");
            Cursor cur = conn.cursor();
            System.out.println("   mogrify: " + cur.mogrify("SELECT %s, %s, %s", 42, "it's", null));
            cur.execute("SELECT %s AS answer, %s AS quote, now() AS at, 1.5::numeric AS n", 42, "it's");
            Row row = cur.fetchOne();
            System.out.println("   row: " + row + "   (" + row.get("at").getClass().getSimpleName() + ")");
            System.out.println("   status: " + conn.transactionStatus() + " (a BEGIN was sent first)");
            conn.commit();

            System.out.println("\n3. A slow query: the callback is where the thread waits");
            cur.execute("SELECT pg_sleep(0.2), 'done'");
            System.out.println("   -> " + cur.fetchOne().get(1));
            conn.commit();

            wait.quiet = true;
            System.out.println("\n4. executeMany, then several statements in one string (the last result wins)");
            conn.setAutocommit(true);
            cur.execute("CREATE TEMP TABLE fruit (id int, name text)");
            cur.executeMany("INSERT INTO fruit VALUES (%s, %s)",
                    List.of(new Object[] {1, "apple"}, new Object[] {2, "pear"}, List.of(3, "fig")));
            System.out.println("   inserted rows: " + cur.rowCount());
            cur.execute("UPDATE fruit SET name = upper(name); SELECT id, name FROM fruit ORDER BY id");
            for (Row r : cur) {
                System.out.println("   " + r);
            }

            System.out.println("\n5. Errors carry the SQLSTATE; notices are collected, never thrown");
            try {
                cur.execute("SELECT 1/0");
            } catch (PgException e) {
                System.out.println("   " + e.getClass().getSimpleName() + " [" + e.sqlState() + "]: " + e.getMessage());
            }
            cur.execute("DO $$ BEGIN RAISE NOTICE 'hello from the server'; END $$");
            System.out.print("   notices: " + conn.notices());
            System.out.println();

            System.out.println("\n6. Virtual threads share the connection; its lock parks them, never pins");
            try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 5; i++) {
                    int n = i;
                    vts.submit(() -> conn.cursor().execute("SELECT %s * %s", n, n).fetchOne());
                }
            }
            System.out.println("   5 queries from 5 virtual threads done");
        } finally {
            Pgreen.setWaitCallback(null);
        }
        System.out.println("\nThe wait callback was called for " + wait.waits.get() + " waits in all. Bye.");
        TestServer.shutdown();
    }
}
