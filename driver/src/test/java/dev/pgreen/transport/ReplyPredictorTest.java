package dev.pgreen.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When the transport reads right after sending, from what such reads found before. */
class ReplyPredictorTest {

    /** Runs {@code n} requests whose reply is found at once when {@code found[i % found.length]}; counts reads at once. */
    private static int readsAtOnce(ReplyPredictor p, int n, boolean... found) {
        int reads = 0;
        for (int i = 0; i < n; i++) {
            if (p.expectedAtOnce()) {
                reads++;
                p.record(found[i % found.length]);
            }
        }
        return reads;
    }

    @Test
    void repliesThatAreThereAtOnceAreReadAtOnce() {
        ReplyPredictor p = new ReplyPredictor();
        assertEquals(1000, readsAtOnce(p, 1000, true));
    }

    @Test
    void repliesThatNeverAreThereAreOnlyProbedFor() {
        ReplyPredictor p = new ReplyPredictor();
        int reads = readsAtOnce(p, 1600, false);
        assertTrue(reads <= 1600 / 16 + 4, "a read at once every 16th request, and a few to learn: " + reads);
    }

    @Test
    void mostlyThereIsEnoughToReadAtOnce() {
        ReplyPredictor p = new ReplyPredictor();
        // 7 of 10 found at once, as on loopback with client and server on one CPU.
        assertEquals(1000, readsAtOnce(p, 1000, true, true, false, true, true, false, true, true, false, true));
    }

    @Test
    void itNoticesWhenRepliesStartComingAtOnce() {
        ReplyPredictor p = new ReplyPredictor();
        readsAtOnce(p, 1000, false);
        readsAtOnce(p, 100, true);
        assertEquals(100, readsAtOnce(p, 100, true), "after a few probes found replies, every request reads at once");
    }
}
