package dev.pgreen.loom;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The shared poller alone, on pipes: no database, no driver. */
class ChannelPollerTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private static Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return p;
    }

    private static void write(Pipe p) throws IOException {
        p.sink().write(ByteBuffer.wrap(new byte[] {1}));
    }

    private static void drain(Pipe p) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        while (p.source().read(b) > 0) {
            b.clear();
        }
    }

    /** Waits until the virtual thread is parked (it has handed its wait to the poller). */
    private static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the thread never parked: " + t.getState());
            Thread.sleep(1);
        }
    }

    @Test
    void aParkedVirtualThreadIsWokenWhenItsChannelBecomesReadable() throws Exception {
        Pipe p = pipe();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() ->
                ready.complete(ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, -1)));
        awaitParked(t);
        assertFalse(ready.isDone(), "nothing to read yet");
        write(p);
        assertTrue(ready.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
        p.source().close();
        p.sink().close();
    }

    @Test
    void anAlreadyReadyChannelReturnsAtOnceAndTheKeyIsReusedAcrossWaits() throws Exception {
        Pipe p = pipe();
        write(p);
        for (int i = 0; i < 1000; i++) {
            assertTrue(Thread.ofVirtual().start(() -> assertTrue(
                    ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, LIMIT.toNanos()))).join(LIMIT));
        }
        drain(p);
        // Writable all along: the same channel, other interest ops.
        assertTrue(ChannelPoller.get().await(p.sink(), SelectionKey.OP_WRITE, LIMIT.toNanos()));
        p.source().close();
        p.sink().close();
    }

    @Test
    void aTimeoutReturnsFalseAfterAboutTheTimeout() throws Exception {
        Pipe p = pipe();
        long start = System.nanoTime();
        boolean ready = ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, Duration.ofMillis(100).toNanos());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertFalse(ready);
        assertTrue(millis >= 90, "returned after " + millis + " ms");
        // The abandoned wait must not keep the key armed for nobody, nor break the next wait.
        CompletableFuture<Boolean> next = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> next.complete(ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, -1)));
        write(p);
        assertTrue(next.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
        p.source().close();
        p.sink().close();
    }

    @Test
    void anInterruptEndsTheWaitKeepsTheFlagAndLeavesTheChannelOpen() throws Exception {
        Pipe p = pipe();
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, -1);
            interrupted.complete(Thread.currentThread().isInterrupted());
        });
        awaitParked(t);
        t.interrupt();
        assertTrue(interrupted.get(LIMIT.toSeconds(), TimeUnit.SECONDS), "the flag is the caller's to handle");
        assertTrue(p.source().isOpen(), "an interrupt never closes the channel");
        p.source().close();
        p.sink().close();
    }

    @Test
    void closingTheChannelUnderAWaiterDoesNotStrandIt() throws Exception {
        Pipe p = pipe();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> done.complete(ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, -1)));
        awaitParked(t);
        p.source().close();
        done.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        // A closed channel is reported at once to the next waiter.
        assertTimeoutPreemptively(LIMIT, () -> ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, -1));
        p.sink().close();
    }

    @Test
    void manyWaitersEachWokenForItsOwnChannelOnly() throws Exception {
        int n = 200;
        List<Pipe> pipes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pipes.add(pipe());
        }
        AtomicInteger woken = new AtomicInteger();
        CountDownLatch allWoken = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        for (Pipe p : pipes) {
            threads.add(Thread.ofVirtual().start(() -> {
                // Spurious returns are allowed: wait until the poller says ready.
                while (!ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, -1)) {
                    Thread.onSpinWait();
                }
                woken.incrementAndGet();
                allWoken.countDown();
            }));
        }
        for (Thread t : threads) {
            awaitParked(t);
        }
        // Only the even ones become readable.
        for (int i = 0; i < n; i += 2) {
            write(pipes.get(i));
        }
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (woken.get() < n / 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        assertEquals(n / 2, woken.get(), "exactly the waiters whose channel is ready run");
        for (int i = 1; i < n; i += 2) {
            write(pipes.get(i));
        }
        assertTrue(allWoken.await(LIMIT.toSeconds(), TimeUnit.SECONDS));
        for (Pipe p : pipes) {
            p.source().close();
            p.sink().close();
        }
    }

    @Test
    void aDeadPollerIsReplacedAndItsWaitersRetry() throws Exception {
        Pipe p = pipe();
        ChannelPoller first = ChannelPoller.get();
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            // A spurious return when the poller dies; the retry lands on the new poller.
            while (!ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, -1)) {
                Thread.onSpinWait();
            }
            result.complete(true);
        });
        awaitParked(t);
        first.shutdownForTest();
        first.thread().join(LIMIT);
        ChannelPoller second = ChannelPoller.get();
        assertNotSame(first, second);
        awaitParked(t);
        write(p);
        assertTrue(result.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
        p.source().close();
        p.sink().close();
    }

    @Test
    void platformThreadsCanParkWithThePollerToo() throws Exception {
        Pipe p = pipe();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<Boolean> f = pool.submit(() -> ChannelPoller.get().await(p.source(), SelectionKey.OP_READ, -1));
            Thread.sleep(50);
            write(p);
            assertTrue(f.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
        }
        p.source().close();
        p.sink().close();
    }
}
