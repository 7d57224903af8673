package dev.pgreen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * System calls and context switches of this JVM while one round runs, counted by
 * {@code perf stat -p} (the kernel's counters, for every thread of the process:
 * the driver's, its wait's and the JVM's own), so they can be put per query
 * beside the throughput. Threads started during the round are not counted.
 */
final class Counters {
    /** What one counted round cost. */
    record Counts(long syscalls, long contextSwitches, double seconds) {}

    private static final List<String> EVENTS = List.of("raw_syscalls:sys_enter", "context-switches");

    private Counters() {}

    /** Runs {@code round} under perf stat: its figures and the counts, or the reason perf could not count. */
    static Counted count(Subject round) throws Exception {
        Path out = Files.createTempFile("pgreen-perf", ".csv");
        Process perf;
        try {
            perf = new ProcessBuilder("perf", "stat", "-x,", "-e", String.join(",", EVENTS),
                    "-p", Long.toString(ProcessHandle.current().pid()), "-o", out.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            Files.deleteIfExists(out);
            return new Counted(null, null, "perf is not installed");
        }
        try {
            Thread.sleep(300); // perf attaches to every thread before the round starts
            long start = System.nanoTime();
            double[] figures = round.round();
            double seconds = (System.nanoTime() - start) / 1e9;
            // perf stat prints its counts on SIGINT; Process.destroy sends SIGTERM, which it does not catch.
            new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start().waitFor();
            if (!perf.waitFor(10, TimeUnit.SECONDS)) {
                perf.destroyForcibly();
                return new Counted(figures, null, "perf stat did not stop");
            }
            Map<String, Long> counts = parse(Files.readAllLines(out));
            if (!counts.keySet().containsAll(EVENTS)) {
                return new Counted(figures, null, "perf stat counted nothing (kernel.perf_event_paranoid? "
                        + String.join(" ", Files.readAllLines(out)) + ")");
            }
            return new Counted(figures, new Counts(counts.get(EVENTS.get(0)), counts.get(EVENTS.get(1)), seconds), null);
        } finally {
            perf.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }

    /** The outcome of {@link #count}: the round's figures and its counts, or why there are none. */
    record Counted(double[] figures, Counts counts, String unavailable) {}

    /** perf stat's CSV: {@code value,unit,event,...}; "<not counted>" values are left out. */
    static Map<String, Long> parse(List<String> lines) {
        Map<String, Long> counts = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(",");
            if (f.length >= 3 && !line.startsWith("#") && f[0].chars().allMatch(Character::isDigit) && !f[0].isEmpty()) {
                counts.put(f[2], Long.parseLong(f[0]));
            }
        }
        return counts;
    }
}
