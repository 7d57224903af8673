package dev.pgreen.wait;

import dev.pgreen.Connection;
import dev.pgreen.PollState;
import dev.pgreen.PollingWait;
import dev.pgreen.WaitCallback;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A hand-written cooperative scheduler: many tasks on one thread, as gevent
 * runs greenlets. Each task is a JDK continuation (the mechanism under virtual
 * threads, reached by reflection: it needs
 * {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}); its
 * {@link #waitCallback()} yields to the scheduler instead of blocking, and the
 * scheduler resumes a task when its socket is ready.
 *
 * <p>A continuation cannot yield while its stack holds a monitor or a native
 * frame, so running the driver here also proves no such frame sits under a wait.
 */
final class CooperativeScheduler implements AutoCloseable {
    private static final MethodHandle NEW_SCOPE;
    private static final MethodHandle NEW_CONTINUATION;
    private static final MethodHandle RUN;
    private static final MethodHandle IS_DONE;
    private static final MethodHandle YIELD;

    static {
        try {
            Class<?> scope = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> cont = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            NEW_SCOPE = lookup.findConstructor(scope, MethodType.methodType(void.class, String.class));
            NEW_CONTINUATION = lookup.findConstructor(cont, MethodType.methodType(void.class, scope, Runnable.class));
            RUN = lookup.findVirtual(cont, "run", MethodType.methodType(void.class));
            IS_DONE = lookup.findVirtual(cont, "isDone", MethodType.methodType(boolean.class));
            YIELD = lookup.findStatic(cont, "yield", MethodType.methodType(boolean.class, scope));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object scope;
    private final Selector selector;
    private final Deque<Task> ready = new ArrayDeque<>();
    private final java.util.List<Task> parked = new java.util.ArrayList<>();
    private int waiting;
    private int peakWaiting;
    private Task current;
    private Thread thread;

    private final class Task {
        final Object continuation;
        /** While parked: when to resume it even if its socket stays silent ({@link System#nanoTime()}), or 0. */
        long deadline;
        boolean parked;
        SelectionKey key;

        Task(Runnable body) throws Throwable {
            continuation = NEW_CONTINUATION.invoke(scope, body);
        }
    }

    CooperativeScheduler() throws Throwable {
        scope = NEW_SCOPE.invoke("pgreen-cooperative");
        selector = Selector.open();
    }

    void spawn(Runnable body) throws Throwable {
        ready.add(new Task(body));
    }

    /** The callback: poll, and when the socket is not ready, park this task and yield to the scheduler. */
    WaitCallback waitCallback() {
        return this::await;
    }

    private void await(Connection conn) {
        if (Thread.currentThread() != thread || current == null) {
            throw new IllegalStateException("this wait callback only runs inside the scheduler's tasks");
        }
        for (PollState s = conn.poll(); s != PollState.OK; s = conn.poll()) {
            park(conn.channel(), PollingWait.interestOps(conn.channel(), s), conn.waitTimeout());
        }
    }

    /** Parks the current task until its channel is ready or {@code timeout} passes (the connection's waitTimeout). */
    private void park(SelectableChannel channel, int ops, java.time.Duration timeout) {
        Task me = current;
        me.deadline = timeout == null ? 0 : System.nanoTime() + Math.max(1, timeout.toNanos());
        me.parked = true;
        parked.add(me);
        try {
            SelectionKey key = channel.keyFor(selector);
            if (key != null && key.isValid()) {
                key.interestOps(ops).attach(me);
            } else {
                key = channel.register(selector, ops, me);
            }
            me.key = key;
            waiting++;
            peakWaiting = Math.max(peakWaiting, waiting);
            YIELD.invoke(scope);
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /** Runs every task to completion on the calling thread. */
    void run() throws Throwable {
        thread = Thread.currentThread();
        while (!ready.isEmpty() || waiting > 0) {
            while (!ready.isEmpty()) {
                current = ready.poll();
                RUN.invoke(current.continuation);
                current = null;
            }
            if (waiting > 0) {
                long now = System.nanoTime();
                long millis = 10_000;
                for (Task t : parked) {
                    if (t.deadline != 0) {
                        millis = Math.min(millis, Math.max(1, (t.deadline - now) / 1_000_000));
                    }
                }
                selector.select(millis);
                for (SelectionKey key : selector.selectedKeys()) {
                    key.interestOps(0);
                    resume((Task) key.attachment());
                }
                selector.selectedKeys().clear();
                now = System.nanoTime();
                for (Task t : new java.util.ArrayList<>(parked)) {
                    if (t.deadline != 0 && now - t.deadline >= 0) {
                        resume(t);
                    }
                }
            }
        }
    }

    private void resume(Task t) {
        if (t.parked) {
            t.parked = false;
            if (t.key != null && t.key.isValid()) {
                t.key.interestOps(0);
            }
            parked.remove(t);
            ready.add(t);
            waiting--;
        }
    }

    int peakWaiting() {
        return peakWaiting;
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
