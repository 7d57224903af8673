package dev.pgreen;

import dev.pgreen.errors.Diagnostics;
import dev.pgreen.protocol.ServerErrors;
import dev.pgreen.protocol.SessionListener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a connection keeps what the server sends at any time: notices (the
 * last 50, as psycopg2 keeps them) and notifications, added to a sink the user
 * may replace, with a count for {@link Connection#awaitNotifies}.
 */
final class SessionEvents implements SessionListener {
    private static final int MAX_NOTICES = 50;
    private static final System.Logger LOG = System.getLogger(SessionEvents.class.getName());

    private final List<String> notices = new CopyOnWriteArrayList<>();
    private final AtomicLong notificationsReceived = new AtomicLong();
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
        try {
            notifies.add(new Notify(processId, channel, payload));
        } catch (RuntimeException e) {
            // A full bounded queue, say: the session goes on; the sink's owner hears of it.
            LOG.log(System.Logger.Level.WARNING, "the notifies sink refused a notification on \"" + channel
                    + "\": " + e);
        }
        notificationsReceived.incrementAndGet();
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

    /** How many notifications arrived since the connection opened. */
    long notificationsReceived() {
        return notificationsReceived.get();
    }
}
