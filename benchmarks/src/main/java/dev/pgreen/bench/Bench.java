package dev.pgreen.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs workloads of WORKLOADS.md for pgreen and its peers in one process, on
 * one server, and prints min and median of the timed rounds with the ratio
 * pgreen / peer. Usage: {@code Bench [--rounds N] [--counters] [W1 W2 W5 ...]}; the server is
 * a throwaway local PostgreSQL unless PGREEN_BENCH_HOST/PORT/DB/USER/PASSWORD say otherwise.
 * With {@code --counters} each subject runs one more round under {@code perf stat}, and the
 * system calls and context switches of that round are printed per query (or row).
 */
public final class Bench {
    private static final Map<String, Supplier<Workload>> WORKLOADS = new LinkedHashMap<>();

    static {
        WORKLOADS.put("W1", W1SelectOne::new);
        WORKLOADS.put("W2", W2WideRead::new);
        WORKLOADS.put("W3", () -> new W3PooledPointSelects(true));
        WORKLOADS.put("W3p", () -> new W3PooledPointSelects(false));
        // W1 and W2 over TLS (sslmode=require), pgreen and pgjdbc alike.
        WORKLOADS.put("W1t", () -> new OverTls(new W1SelectOne()));
        WORKLOADS.put("W2t", () -> new OverTls(new W2WideRead()));
        WORKLOADS.put("W4", W4Insert::new);
        WORKLOADS.put("W5", W5NotifyLatency::new);
        WORKLOADS.put("W7", W7Greenness::new);
        WORKLOADS.put("W8", W8PipelineLatency::new);
        // W1, W2 and W3 through JDBC: the same JDBC code on jdbc:pgreen: and on pgjdbc.
        WORKLOADS.put("W1j", JdbcWorkloads.W1::new);
        WORKLOADS.put("W2j", JdbcWorkloads.W2::new);
        WORKLOADS.put("W3j", JdbcWorkloads.W3::new);
    }

    private Bench() {}

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        boolean counters = false;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--counters")) {
                counters = true;
            } else if (WORKLOADS.containsKey(args[i])) {
                ids.add(args[i]);
            } else {
                throw new IllegalArgumentException("unknown workload " + args[i] + "; known: " + WORKLOADS.keySet());
            }
        }
        if (ids.isEmpty()) {
            ids.addAll(WORKLOADS.keySet());
        }
        Servers servers = servers();
        System.out.printf("pgreen benchmarks: %s, %d timed rounds after a warm-up, JDK %s%n%n",
                ids, rounds, Runtime.version());
        for (String id : ids) {
            run(WORKLOADS.get(id).get(), servers, rounds, counters);
        }
        dev.pgreen.testing.TestServer.shutdown();
    }

    private static Servers servers() {
        String host = System.getenv("PGREEN_BENCH_HOST");
        if (host == null) {
            return Servers.local();
        }
        return Servers.of(host, Integer.parseInt(System.getenv().getOrDefault("PGREEN_BENCH_PORT", "5432")),
                System.getenv().getOrDefault("PGREEN_BENCH_DB", "bench"),
                System.getenv().getOrDefault("PGREEN_BENCH_USER", System.getProperty("user.name")),
                System.getenv("PGREEN_BENCH_PASSWORD"));
    }

    private static void run(Workload w, Servers servers, int rounds, boolean counters) throws Exception {
        w.prepare(servers);
        List<Subject> subjects = w.subjects(servers);
        List<double[][]> results = new ArrayList<>();
        try {
            for (Subject s : subjects) {
                s.round(); // warm-up
            }
            // Rounds alternate between subjects so drift on a noisy machine hits them alike.
            double[][][] all = new double[subjects.size()][w.figures().size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < subjects.size(); s++) {
                    double[] figures = subjects.get(s).round();
                    for (int f = 0; f < figures.length; f++) {
                        all[s][f][r] = figures[f];
                    }
                }
            }
            for (double[][] perSubject : all) {
                results.add(perSubject);
            }
            print(w, subjects, results);
            if (counters) {
                printCounters(w, subjects);
            }
        } finally {
            for (Subject s : subjects) {
                s.close();
            }
        }
    }

    /**
     * One more round of each subject under perf stat: system calls and context switches of the
     * whole client process per unit of the first figure (a query, a row), when it is a rate.
     */
    private static void printCounters(Workload w, List<Subject> subjects) throws Exception {
        String figure = w.figures().get(0);
        if (!figure.endsWith("/s")) {
            return;
        }
        String unit = figure.substring(0, figure.length() - 2).replaceAll("ies$", "y").replaceAll("s$", "");
        System.out.printf("  per %s, one more round under perf stat (the client process, all threads)%n", unit);
        for (Subject s : subjects) {
            if (!s.inProcess()) {
                System.out.printf("  %-28s not counted: it runs in another process%n", s.name());
                continue;
            }
            Counters.Counted c = Counters.count(s);
            if (c.counts() == null) {
                System.out.printf("  %-28s counters unavailable: %s%n", s.name(), c.unavailable());
                continue;
            }
            double units = c.figures()[0] * c.counts().seconds();
            System.out.printf(Locale.ROOT, "  %-28s syscalls/%s %8.2f   context switches/%s %8.3f   (%.0f %s in this round)%n",
                    s.name(), unit, c.counts().syscalls() / units, unit, c.counts().contextSwitches() / units,
                    c.figures()[0], figure);
        }
        System.out.println();
    }

    private static void print(Workload w, List<Subject> subjects, List<double[][]> results) {
        System.out.println(w.id());
        for (int f = 0; f < w.figures().size(); f++) {
            System.out.printf("  %s (%s is better)%n", w.figures().get(f), w.higherIsBetter(f) ? "higher" : "lower");
            for (int s = 0; s < subjects.size(); s++) {
                Stats st = Stats.of(results.get(s)[f]);
                if (Double.isNaN(st.median())) {
                    System.out.printf("  %-28s %-10s not measured by this subject%n", subjects.get(s).name(),
                            w.figures().get(f));
                    continue;
                }
                boolean peer = !subjects.get(s).name().startsWith("pgreen");
                Stats pgreen = Stats.of(results.get(w.pgreenCounterpart(s))[f]);
                String ratio = !peer ? "" : String.format(Locale.ROOT,
                        "   %s/%s (median) = %.2f", subjects.get(w.pgreenCounterpart(s)).name(),
                        subjects.get(s).reference() ? "reference" : "peer", pgreen.median() / st.median());
                System.out.printf(Locale.ROOT, "  %-28s %-10s min %12.1f  median %12.1f%s%n",
                        subjects.get(s).name(), w.figures().get(f),
                        st.min(), st.median(), ratio);
            }
        }
        System.out.println();
    }
}
