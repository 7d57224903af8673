package dev.pgreen;

import dev.pgreen.errors.Diagnostics;
import dev.pgreen.protocol.ServerErrors;
import dev.pgreen.protocol.SessionListener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a connection keeps what the server sends at any time: notices (the
 * last 50, as psycopg2 keeps them) and notifications, added to a sink the user
 * may replace, with a count for {@link Connection#awaitNotifies}.
 *
 * <p>Notifications arrive inside a non-blocking step under the I/O lock, where
 * the user's sink must not run (a blocking queue's {@code add} could stall every
 * wait): they are queued here and {@link #deliver()}ed after the step.
 */
final class SessionEvents implements SessionListener {
    private static final int MAX_NOTICES = 50;
    private static final System.Logger LOG = System.getLogger(SessionEvents.class.getName());

    private final List<String> notices = new CopyOnWriteArrayList<>();
    private final AtomicLong notificationsReceived = new AtomicLong();
    private final Queue<Notify> arrived = new ConcurrentLinkedQueue<>();
    private volatile Collection<Notify> notifies = new ArrayList<>();

    @Override
    public void notice(Diagnostics notice) {
        notices.add(ServerErrors.formatNotice(notice));
        while (notices.size() > MAX_NOTICES) {
            notices.remove(0);
        }
    }

    @Override
    public void notification(int processId, String channel, String payload) {
        arrived.add(new Notify(processId, channel, payload));
    }

    /** Adds the notifications that arrived to the sink; called outside the I/O lock. */
    void deliver() {
        for (Notify n; (n = arrived.poll()) != null; ) {
            try {
                notifies.add(n);
            } catch (RuntimeException e) {
                // A full bounded queue, say: the session goes on; the sink's owner hears of it.
                LOG.log(System.Logger.Level.WARNING, "the notifies sink refused a notification on \"" + n.channel()
                        + "\": " + e);
            }
            notificationsReceived.incrementAndGet();
        }
    }

    @Override
    public void parameterChanged(String name, String value) {
    }

    List<String> notices() {
        return notices;
    }

    Collection<Notify> notifies() {
        return notifies;
    }

    void setNotifies(Collection<Notify> sink) {
        this.notifies = Objects.requireNonNull(sink, "sink");
    }

    /** How many notifications were delivered since the connection opened. */
    long notificationsReceived() {
        return notificationsReceived.get();
    }
}
