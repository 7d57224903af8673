package dev.pgreen.transport;

/**
 * Whether the reply to a request just sent is worth reading for at once, before waiting for it.
 *
 * <p>Measured on loopback (W1, {@code SELECT 1}): with client and server on one CPU, the write wakes the server,
 * which often runs before the write returns and has answered by then, so a read at once finds the reply and the
 * wait (an {@code epoll_wait}) is saved: 2 syscalls a query instead of 3. With the server on another CPU or host
 * the read finds nothing and costs one more (4). Reading first pays when it finds the reply more often than
 * not, so each connection keeps a score of its recent reads at once, between 0 and {@link #MAX_SCORE}: a hit
 * raises it, a miss lowers it, and it reads at once while the score is above 0 (so a miss now and then among
 * hits does not stop it). At 0, every {@link #PROBE_EVERY}th request still reads, to notice when replies start
 * coming at once again.
 */
final class ReplyPredictor {
    private static final int MAX_SCORE = 7;
    private static final int PROBE_EVERY = 16;

    private int score = 1;
    private int sinceProbe;

    /** Whether to read right after sending. */
    boolean expectedAtOnce() {
        if (score > 0) {
            return true;
        }
        if (++sinceProbe >= PROBE_EVERY) {
            sinceProbe = 0;
            return true;
        }
        return false;
    }

    /** What a read right after sending found. */
    void record(boolean found) {
        score = found ? Math.min(MAX_SCORE, score + 1) : Math.max(0, score - 1);
    }
}
