package dev.pgreen.bench;

/**
 * One driver's way of running a workload: {@link #round()} runs it once and
 * returns its figures, in the order {@link Workload#figures()} names them.
 */
interface Subject extends AutoCloseable {
    String name();

    double[] round() throws Exception;

    @Override
    default void close() throws Exception {
    }
}
