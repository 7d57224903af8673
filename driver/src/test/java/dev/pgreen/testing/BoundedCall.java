package dev.pgreen.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A call run on a platform daemon thread of its own, so that a test can interrupt it, bound how long it may take
 * and check that it ended: the "call" of a fault trial. A call that has not ended in time fails the test with the
 * stack of the thread it left blocked.
 */
public final class BoundedCall<T> {
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final long startNanos = System.nanoTime();
    private volatile long endNanos;
    private volatile T result;
    private volatile Throwable failure;
    private volatile boolean interruptedAtEnd;

    private BoundedCall(String name, Callable<T> body) {
        thread = Thread.ofPlatform().daemon().name("call-" + name).unstarted(() -> {
            try {
                result = body.call();
            } catch (Throwable t) {
                failure = t;
            } finally {
                interruptedAtEnd = Thread.currentThread().isInterrupted();
                endNanos = System.nanoTime();
                done.countDown();
            }
        });
        thread.start();
    }

    /** Starts {@code body} on a new thread named after the call. */
    public static <T> BoundedCall<T> start(String name, Callable<T> body) {
        return new BoundedCall<>(name, body);
    }

    public Thread thread() {
        return thread;
    }

    public void interrupt() {
        thread.interrupt();
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** Waits for the end of the call; fails the test, showing where its thread is blocked, after {@code limit}. */
    public BoundedCall<T> awaitEnd(Duration limit) {
        try {
            if (!done.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                fail("the call on " + thread.getName() + " did not end within " + limit.toMillis() + " ms; it is at\n"
                        + Arrays.stream(thread.getStackTrace()).map(e -> "\tat " + e).collect(Collectors.joining("\n")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for " + thread.getName());
        }
        try {
            thread.join(limit.toMillis() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    /** The call's exception once it ended ({@link #awaitEnd} first); fails the test if the call returned. */
    public Throwable failure() {
        ensureDone();
        if (failure == null) fail("the call on " + thread.getName() + " returned " + result + " instead of failing");
        return failure;
    }

    /** The call's exception once it ended, or null when it returned. */
    public Throwable thrown() {
        ensureDone();
        return failure;
    }

    /** The call's result once it ended; fails the test, with the exception as cause, if the call threw. */
    public T result() {
        ensureDone();
        if (failure != null) fail("the call on " + thread.getName() + " failed: " + failure, failure);
        return result;
    }

    /** Whether the call's thread had its interrupt flag set when the call ended. */
    public boolean interruptedAtEnd() {
        ensureDone();
        return interruptedAtEnd;
    }

    /** How long the call took. */
    public Duration elapsed() {
        ensureDone();
        return Duration.ofNanos(endNanos - startNanos);
    }

    /** How long after {@code nanos} (a {@link System#nanoTime()} value) the call ended. */
    public Duration endedAfter(long nanos) {
        ensureDone();
        return Duration.ofNanos(endNanos - nanos);
    }

    private void ensureDone() {
        if (!isDone()) throw new IllegalStateException("the call on " + thread.getName() + " has not ended: awaitEnd first");
    }
}
