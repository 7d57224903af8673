package dev.pgreen.bench;

import java.util.List;

/** A workload of WORKLOADS.md: its figure, and the subjects (pgreen first, then the peers). */
interface Workload {
    String id();

    /** The figures each round yields, e.g. "queries/s" or "p50 µs". */
    List<String> figures();

    /** Whether larger figures are better (rates) or smaller ones (latencies). */
    default boolean higherIsBetter() {
        return true;
    }

    /** Which pgreen subject a peer subject is compared with (ratio pgreen / peer); by default the first. */
    default int pgreenCounterpart(int peerSubject) {
        return 0;
    }

    /** Prepares data once per run, before any round. */
    default void prepare(Servers servers) throws Exception {
    }

    List<Subject> subjects(Servers servers) throws Exception;
}
