package dev.pgreen.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The simplest fair pool: a fixed set of connections in a fair blocking queue, borrowed in the
 * order callers asked. W3 runs pgreen and pgjdbc connections through this same pool, so the ratio
 * compares the drivers alone, with no pool's own cost or policy in between.
 */
final class FairQueue<C extends AutoCloseable> implements AutoCloseable {
    /** Opens one connection. */
    interface Opener<C> {
        C open() throws Exception;
    }

    private final ArrayBlockingQueue<C> idle;
    private final List<C> all;

    FairQueue(int size, Opener<C> opener) throws Exception {
        idle = new ArrayBlockingQueue<>(size, true);
        all = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                C c = opener.open();
                all.add(c);
                idle.add(c);
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    C borrow() throws InterruptedException {
        return idle.take();
    }

    void giveBack(C c) {
        idle.add(c);
    }

    @Override
    public void close() throws Exception {
        for (C c : all) {
            c.close();
        }
    }
}
