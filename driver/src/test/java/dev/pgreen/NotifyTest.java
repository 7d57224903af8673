package dev.pgreen;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** LISTEN/NOTIFY: every NotificationResponse lands in the sink, whenever it arrives. */
@ExtendWith(PgServerExtension.class)
class NotifyTest {

    private static Connection autocommit(TestServer server) {
        Connection c = Pgreen.connect(server.dsn());
        c.setAutocommit(true);
        return c;
    }

    @Test
    void notificationsArriveWithPayloadsInOrder(TestServer server) {
        try (Connection a = autocommit(server); Connection b = autocommit(server)) {
            a.cursor().execute("LISTEN chan_order");
            b.cursor().execute("NOTIFY chan_order, 'one'; NOTIFY chan_order; NOTIFY chan_order, 'three'");
            int n = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (n < 3 && System.nanoTime() < deadline) {
                n += a.awaitNotifies(Duration.ofSeconds(5));
            }
            assertEquals(List.of(new Notify(b.backendPid(), "chan_order", "one"),
                    new Notify(b.backendPid(), "chan_order", ""),
                    new Notify(b.backendPid(), "chan_order", "three")), List.copyOf(a.notifies()));
        }
    }

    @Test
    void notificationsReceivedDuringAQueryAndFromTheOwnBackend(TestServer server) {
        try (Connection a = autocommit(server)) {
            a.setNotifies(new ArrayDeque<>());
            a.cursor().execute("LISTEN chan_self");
            a.cursor().execute("NOTIFY chan_self, 'me'; SELECT 1");
            ArrayDeque<Notify> sink = (ArrayDeque<Notify>) a.notifies();
            assertEquals(new Notify(a.backendPid(), "chan_self", "me"), sink.poll());
        }
    }

    @Test
    void awaitNotifiesTimesOutWithZeroAndLeavesTheConnectionUsable(TestServer server) {
        try (Connection a = autocommit(server)) {
            a.cursor().execute("LISTEN chan_quiet");
            long start = System.nanoTime();
            assertEquals(0, a.awaitNotifies(Duration.ofMillis(200)));
            assertTrue(System.nanoTime() - start >= 150_000_000L, "waited for the timeout");
            assertFalse(a.isClosed());
            assertEquals(1, a.cursor().execute("SELECT 1").fetchOne().get(0));
            assertEquals(0, a.awaitNotifies(Duration.ZERO));
        }
    }

    @Test
    void awaitNotifiesWakesWhenANotificationArrivesAndFeedsABlockingQueue(TestServer server) throws Exception {
        try (Connection a = autocommit(server); Connection b = autocommit(server)) {
            LinkedBlockingQueue<Notify> queue = new LinkedBlockingQueue<>();
            a.setNotifies(queue);
            a.cursor().execute("LISTEN chan_wake");
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> a.awaitNotifies(Duration.ofSeconds(20)));
            Notify received;
            long start = System.nanoTime();
            do {
                b.cursor().execute("NOTIFY chan_wake, 'ping'");
                received = queue.poll(200, TimeUnit.MILLISECONDS);
            } while (received == null && System.nanoTime() - start < 15_000_000_000L);
            assertEquals(new Notify(b.backendPid(), "chan_wake", "ping"), received);
            assertTrue(waiting.get(20, TimeUnit.SECONDS) >= 1);
        }
    }

    @Test
    void awaitNotifiesGoesThroughTheWaitCallback(TestServer server) {
        try (Connection a = autocommit(server)) {
            int[] calls = {0};
            WaitCallbackTest.RecordingWait recording = new WaitCallbackTest.RecordingWait();
            a.setWaitCallback(conn -> {
                calls[0]++;
                recording.await(conn);
            });
            a.cursor().execute("LISTEN chan_cb");
            calls[0] = 0;
            assertEquals(0, a.awaitNotifies(Duration.ofMillis(100)));
            assertEquals(1, calls[0]);
        }
    }
}
