package dev.pgreen.loom;

import dev.pgreen.Pgreen;
import dev.pgreen.wait.SelectWait;
import jdk.jfr.Recording;
import pincontrol.PinControl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the child JVMs of {@link GreennessTest} run, with their own JVM flags
 * (one carrier) and possibly another JDK. The DSN comes in {@code PGREEN_PROBE_DSN}
 * (never on the command line: it may hold a password); results go to stdout as
 * one line per measurement.
 *
 * <pre>
 * LoomProbe w7 N          W7 with N connections, then the SelectWait control with 4
 * LoomProbe w3-jfr FILE   the W3 shape under a JFR recording of jdk.VirtualThreadPinned, dumped to FILE
 * </pre>
 */
public final class LoomProbe {
    private LoomProbe() {}

    public static void main(String[] args) throws Exception {
        String dsn = System.getenv("PGREEN_PROBE_DSN");
        if (dsn == null || args.length < 2) {
            System.err.println("usage: PGREEN_PROBE_DSN=... LoomProbe (w7 N | w3-jfr FILE)");
            System.exit(2);
        }
        System.out.println("java.version=" + System.getProperty("java.version")
                + " parallelism=" + System.getProperty("jdk.virtualThreadScheduler.parallelism")
                + " maxPoolSize=" + System.getProperty("jdk.virtualThreadScheduler.maxPoolSize"));
        Loom.install();
        switch (args[0]) {
            case "w7" -> {
                System.out.println(Workloads.w7(dsn, Integer.parseInt(args[1]), 0.5));
                // The control: a Selector per waiting thread blocks the one carrier, so these run one by one.
                Pgreen.setWaitCallback(new SelectWait());
                System.out.println("control-selectwait " + Workloads.w7(dsn, 4, 0.5));
            }
            case "w3-jfr" -> w3WithJfr(dsn, Path.of(args[1]), 3000, 5).forEach(System.out::println);
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
        System.out.flush();
        System.exit(0);
    }

    /**
     * The W3 shape (pool of 16) with jdk.VirtualThreadPinned recorded at threshold 0
     * with stack traces, plus the positive control (once: it pins in a class
     * initializer); the recording is dumped to {@code out}. Runs the shape twice:
     * on borrowed connections, then as one-shot statements multiplexed 64 deep per
     * connection (where the connections' I/O threads are virtual threads too).
     */
    static List<Workloads.W3Result> w3WithJfr(String dsn, Path out, int tasks, int queriesPerTask) throws Exception {
        return w3WithJfr(List.of(dsn), out, tasks, queriesPerTask);
    }

    /** The same for each DSN in turn (plaintext, TLS), in one recording: the control pins once per JVM. */
    static List<Workloads.W3Result> w3WithJfr(List<String> dsns, Path out, int tasks, int queriesPerTask)
            throws Exception {
        for (String dsn : dsns) {
            Workloads.createAccounts(dsn);
            // Classes load and initialize outside the recording: a virtual thread waiting for another's class
            // initializer or class loading lock is pinned once, by the JDK, with whatever called it on the stack.
            Workloads.w3(dsn, 50, 1, 16);
            Workloads.w3(dsn, 50, 1, 16, 64);
        }
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            List<Workloads.W3Result> results = new ArrayList<>();
            for (String dsn : dsns) {
                results.add(Workloads.w3(dsn, tasks, queriesPerTask, 16));
                results.add(Workloads.w3(dsn, tasks, queriesPerTask, 16, 64));
            }
            Thread.ofVirtual().start(PinControl::touch).join();
            recording.stop();
            recording.dump(out);
            return results;
        }
    }
}
