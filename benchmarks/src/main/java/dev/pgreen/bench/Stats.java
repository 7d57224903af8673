package dev.pgreen.bench;

import java.util.Arrays;

/** Min and median of the timed rounds, as WORKLOADS.md asks. */
record Stats(double min, double median) {
    static Stats of(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Stats(v[0], median);
    }
}
