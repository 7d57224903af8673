package dev.pgreen.bench;

/**
 * One driver's way of running a workload: {@link #round()} runs it once and
 * returns its figures, in the order {@link Workload#figures()} names them.
 */
interface Subject extends AutoCloseable {
    String name();

    double[] round() throws Exception;

    /**
     * Whether this subject is a reference rather than a driver: a bound on what any client could
     * reach (libpq's pgbench, the protocol's floor on the JVM). Its ratio reads pgreen / reference.
     */
    default boolean reference() {
        return false;
    }

    /** Whether its work happens in this process, so that perf stat of this process counts it. */
    default boolean inProcess() {
        return true;
    }

    @Override
    default void close() throws Exception {
    }
}
