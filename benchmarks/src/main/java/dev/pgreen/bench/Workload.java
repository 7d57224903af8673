package dev.pgreen.bench;

import java.util.List;

/** A workload of WORKLOADS.md: its figure, and the subjects (pgreen first, then the peers). */
interface Workload {
    String id();

    /** The figures each round yields, e.g. "queries/s" or "p50 µs". */
    List<String> figures();

    /** Whether a larger value of figure {@code f} is better (rates) or a smaller one (latencies, times). */
    default boolean higherIsBetter(int f) {
        String figure = figures().get(f);
        return !(figure.contains("µs") || figure.endsWith(" s"));
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
