package dev.pgreen;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Heap allocated per query by {@code executePrepared} + {@code fetchOne}, against pgjdbc's
 * {@code PreparedStatement.executeQuery} + {@code getInt}, counted exactly with
 * {@link ThreadMXBean#getThreadAllocatedBytes(long)} over 20,000 queries after as many to warm up. Excluded from
 * ordinary runs: {@code mvn -pl driver test -Dgroups=bench -Dtest=PreparedAllocationBenchmarkTest}.
 *
 * <p>Run with {@code -DargLine=-XX:-UseTLAB} to count objects too: every allocation then takes the slow path,
 * where JFR's {@code ObjectAllocationOutsideTLAB} event sees each one; the objects per query and the classes
 * allocated most are printed, with where ({@code -Dpgreen.bench.stackDepth=N} frames). Nothing is asserted: the
 * figures are for the report.
 */
@Tag("bench")
@ExtendWith(PgServerExtension.class)
class PreparedAllocationBenchmarkTest {
    private static final int QUERIES = Integer.getInteger("pgreen.bench.queries", 20_000);
    private static final int COUNTED = 2_000;
    /** How many frames name where an object was allocated: {@code -Dpgreen.bench.stackDepth=N}. */
    private static final int STACK_DEPTH = Integer.getInteger("pgreen.bench.stackDepth", 1);
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static long sink;

    /** One query of a subject; returns something derived from the result so the JIT keeps the work. */
    private interface Query {
        long run(int i) throws Exception;
    }

    @Test
    void allocationPerQuery(TestServer server) throws Exception {
        // Plaintext for both drivers, as the benchmarks run (the harness's server also offers TLS).
        String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + server.database()
                + (server.certificates().isPresent() ? "?sslmode=disable" : "");
        Properties props = new Properties();
        props.setProperty("user", server.user());
        String password = System.getenv("PGPASSWORD");
        if (password != null) props.setProperty("password", password);
        try (Connection conn = Pgreen.connect(server.dsn());
             java.sql.Connection jdbc = DriverManager.getConnection(url, props)) {
            conn.setAutocommit(true);
            Cursor cur = conn.cursor();
            PreparedStatement one = jdbc.prepareStatement("SELECT 1");
            PreparedStatement param = jdbc.prepareStatement("SELECT ?::int");
            PreparedStatement w1j = jdbc.prepareStatement("SELECT ?");
            java.sql.Connection green = DriverManager.getConnection(url.replaceFirst("^jdbc:postgresql:", "jdbc:pgreen:"),
                    props);
            PreparedStatement greenW1j = green.prepareStatement("SELECT ?");
            StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                    "%nAllocation per query, %d queries after %d warm-up (autocommit, one connection)%n", QUERIES, QUERIES));
            report.append(measure("pgreen executePrepared(\"SELECT 1\")",
                    i -> (Integer) cur.executePrepared("SELECT 1").fetchOne().get(0)));
            report.append(measure("pgjdbc PreparedStatement SELECT 1", i -> {
                try (ResultSet rs = one.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }));
            report.append(measure("pgreen executePrepared(\"SELECT %s::int\", i)",
                    i -> (Integer) cur.executePrepared("SELECT %s::int", i).fetchOne().get(0)));
            report.append(measure("pgjdbc PreparedStatement SELECT ?::int", i -> {
                param.setInt(1, i);
                try (ResultSet rs = param.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }));
            // W1j of the benchmarks: the same JDBC code on both drivers.
            report.append(measure("pgreen JDBC PreparedStatement SELECT ?", i -> selectParameter(greenW1j, i)));
            report.append(measure("pgjdbc PreparedStatement SELECT ?", i -> selectParameter(w1j, i)));
            green.close();
            System.out.print(report);
        }
    }

    private static long selectParameter(PreparedStatement ps, int i) throws Exception {
        ps.setInt(1, i);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String measure(String name, Query q) throws Exception {
        for (int i = 0; i < QUERIES; i++) {
            sink += q.run(i);
        }
        long thread = Thread.currentThread().threadId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        for (int i = 0; i < QUERIES; i++) {
            sink += q.run(i);
        }
        long bytes = THREADS.getThreadAllocatedBytes(thread) - before;
        String line = String.format(Locale.ROOT, "  %-46s %7.0f B/query", name, bytes / (double) QUERIES);
        return tlabOff() ? line + objects(q) : line + "\n";
    }

    /** Objects per query and the most allocated classes, from JFR's outside-TLAB events (TLABs off). */
    private static String objects(Query q) throws Exception {
        Path file = Files.createTempFile("pgreen-alloc", ".jfr");
        long thread = Thread.currentThread().threadId();
        try (Recording r = new Recording()) {
            r.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
            r.start();
            for (int i = 0; i < COUNTED; i++) {
                sink += q.run(i);
            }
            r.stop();
            r.dump(file);
        }
        long count = 0;
        Map<String, Long> byClass = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getThread() != null && e.getThread().getJavaThreadId() == thread) {
                count++;
                StringBuilder where = new StringBuilder();
                if (e.getStackTrace() != null) {
                    var frames = e.getStackTrace().getFrames();
                    for (int i = 0; i < Math.min(STACK_DEPTH, frames.size()); i++) {
                        var m = frames.get(i).getMethod();
                        where.append(i == 0 ? "" : " < ").append(m.getType().getName()).append('.').append(m.getName());
                    }
                }
                byClass.merge(e.getClass("objectClass").getName() + " @ " + where, 1L, Long::sum);
            }
        }
        Files.delete(file);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, ", %5.1f objects/query%n", count / (double) COUNTED));
        byClass.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(30)
                .forEach(e -> sb.append(String.format(Locale.ROOT, "      %5.2f  %s%n", e.getValue() / (double) COUNTED,
                        e.getKey())));
        return sb.toString();
    }

    private static boolean tlabOff() {
        return "false".equals(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("UseTLAB").getValue());
    }
}
