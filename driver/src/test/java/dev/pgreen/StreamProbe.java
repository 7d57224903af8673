package dev.pgreen;

import java.util.stream.Stream;

/** Streams N rows in a JVM of its own (StreamMemoryTest gives it a small heap); prints "OK count sum". */
public final class StreamProbe {
    private StreamProbe() {}

    public static void main(String[] args) {
        long n = Long.parseLong(args[0]);
        try (Connection conn = Pgreen.connect(System.getenv("PGREEN_PROBE_DSN"))) {
            conn.setAutocommit(true);
            long[] count = {0};
            long[] sum = {0};
            try (Stream<Row> rows = conn.cursor().stream("SELECT generate_series(1, %s), 'row number ' || generate_series(1, %s)", n, n)) {
                rows.forEach(r -> {
                    count[0]++;
                    sum[0] += (Integer) r.get(0) + ((String) r.get(1)).length();
                });
            }
            System.out.println("OK " + count[0] + " " + sum[0]);
        }
    }
}
