package dev.pgreen.faults;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;
import dev.pgreen.errors.PgException;
import dev.pgreen.testing.BoundedCall;
import dev.pgreen.testing.FaultProxy;
import dev.pgreen.testing.FaultProxy.Cut;
import dev.pgreen.testing.FaultProxy.Forward;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

import static dev.pgreen.testing.FaultProxy.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Protocol fuzz: a few hundred seeded trials, each a new connection whose server bytes (start-up and the reply to
 * one query of typed columns) the proxy corrupts at one random offset: a flipped bit, a replaced byte, or the
 * stream cut there. Every trial must end, quickly, with a {@link PgException} or with the right row; a different
 * row is allowed only when the corrupted byte was inside that column's value or description (the protocol has no
 * checksum: no driver can see such a change). To bound the trial without a timeout, the proxy closes the
 * connection once the server's bytes of the corrupted phase (start-up, or the reply) have been forwarded: a driver
 * that waits for bytes a corrupted length promised then reads the end of the stream.
 *
 * <p>Reproduce one trial with {@code -Dpgreen.fuzz.seed=S -Dpgreen.fuzz.trials=1 -Dpgreen.fuzz.first=N}; hunt
 * longer with another seed, more trials and {@code -Dpgreen.fuzz.seconds}.
 */
@ExtendWith(PgServerExtension.class)
// A test that hangs fails after two minutes, with its stack, instead of stalling the build.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProtocolFuzzTest {
    private static final String SQL = "SELECT 42::int4 AS i, 9000000000::int8 AS b, 'héllo wörld'::text AS t, "
            + "true AS f, 1.5::numeric AS n, 0.25::float8 AS d, NULL::int AS z, ARRAY[1, 2, 3] AS a, "
            + "'\\x0102'::bytea AS y, DATE '2024-02-29' AS dt";
    private static final long SEED = Long.getLong("pgreen.fuzz.seed", 0x5eed_2024L);
    private static final int FIRST = Integer.getInteger("pgreen.fuzz.first", 0);
    private static final int TRIALS = Integer.getInteger("pgreen.fuzz.trials", 300);
    private static final Duration WALL_CLOCK = Duration.ofSeconds(Long.getLong("pgreen.fuzz.seconds", 30));
    private static final Duration TRIAL_WATCHDOG = Duration.ofSeconds(10);

    /** Layout marks: the length of a message of variable size; another framing byte; content of no column. */
    private static final int VARIABLE_LENGTH = -3;
    private static final int FRAME = -2;
    private static final int NO_COLUMN = -1;

    private static final String LOST_TO_THE_CLOSE = "OperationalException: " + Faults.LOST;

    private enum Mutation { FLIP, REPLACE, TRUNCATE }

    /** The server's bytes of a clean connection: start-up first, then the reply to {@link #SQL}. */
    private record Clean(byte[] bytes, int startupLength, List<Object> row) {}

    @Test
    void corruptedRepliesEndInAPgExceptionOrTheRightRowNeverAHang(TestServer server) {
        Clean clean = cleanRun(server);
        assertEquals(clean.startupLength(), cleanRun(server).startupLength(), "the start-up is the same every time");
        int[] layout = layout(clean.bytes(), clean.row().size());
        Map<String, Integer> outcomes = new TreeMap<>();
        long deadline = System.nanoTime() + WALL_CLOCK.toNanos();
        int ran = 0;
        for (int trial = FIRST; trial < FIRST + TRIALS && System.nanoTime() - deadline < 0; trial++, ran++) {
            Random rnd = new Random(SEED * 1_000_003L + trial);
            int at = rnd.nextInt(clean.bytes().length);
            Mutation mutation = Mutation.values()[rnd.nextInt(Mutation.values().length)];
            byte replacement = mutation == Mutation.FLIP
                    ? (byte) (clean.bytes()[at] ^ (1 << rnd.nextInt(8)))
                    : (byte) (clean.bytes()[at] + 1 + rnd.nextInt(255));
            int closeAt = at < clean.startupLength() ? clean.startupLength() : clean.bytes().length;
            String what = "trial " + trial + " (seed " + SEED + "): " + mutation + " of byte " + at + " of "
                    + clean.bytes().length + " (" + describe(layout[at]) + ", start-up " + clean.startupLength() + ")";
            String outcome = runTrial(server, at, mutation, replacement, closeAt, layout[at], clean.row(), what);
            if (at >= clean.startupLength() && mutation != Mutation.TRUNCATE && layout[at] != VARIABLE_LENGTH
                    && outcome.startsWith(LOST_TO_THE_CLOSE)) {
                // The whole reply had come: the driver was waiting for bytes no server would send, a hang without the close.
                fail(what + ": waited for more bytes instead of rejecting the reply");
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        StringBuilder report = new StringBuilder("protocol fuzz: " + ran + " trials (seed " + SEED + "), outcomes:");
        outcomes.forEach((outcome, n) -> report.append("\n  ").append(n).append(" x ").append(outcome));
        System.err.println(report);
        assertTrue(ran >= Math.min(TRIALS, 100), "only " + ran + " trials ran within " + WALL_CLOCK.toSeconds() + " s");
    }

    /** One trial on a proxy of its own; returns a short name of its outcome, fails the test on a wrong one. */
    private static String runTrial(TestServer server, int at, Mutation mutation, byte replacement, int closeAt,
                                   int region, List<Object> expected, String what) {
        try (FaultProxy proxy = FaultProxy.start(server)) {
            proxy.tamper(SERVER_TO_CLIENT, (offset, chunk) -> {
                byte[] out = chunk.clone();
                long end = offset + chunk.length;
                if (at >= offset && at < end) {
                    int i = (int) (at - offset);
                    if (mutation == Mutation.TRUNCATE) return new Forward(Arrays.copyOf(out, i), Cut.FIN);
                    out[i] = replacement;
                }
                return end < closeAt ? Forward.as(out) : new Forward(Arrays.copyOf(out, (int) (closeAt - offset)), Cut.FIN);
            });
            BoundedCall<List<Object>> call = BoundedCall.start("fuzz", () -> {
                try (Connection c = Pgreen.connect(proxy.dsn())) {
                    c.setAutocommit(true);
                    Row row = c.cursor().execute(SQL).fetchOne();
                    return row == null ? null : row.toList();
                }
            });
            try {
                call.awaitEnd(TRIAL_WATCHDOG);
            } catch (AssertionError hung) {
                throw new AssertionError(what + ": " + hung.getMessage());
            }
            Throwable t = call.thrown();
            if (t == null) {
                List<Object> row = call.result();
                checkRow(row, expected, mutation, region, what);
                return sameRow(row, expected) ? "the right row" : "a changed value in the corrupted column";
            }
            if (!(t instanceof PgException)) {
                throw new AssertionError(what + ": not a PgException: " + t, t);
            }
            assertFalse(String.valueOf(t.getMessage()).isBlank(), what + ": an exception without a message");
            // Numbers and quoted values vary from trial to trial: the outcome names the kind of error.
            return t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).lines().findFirst().orElse("")
                    .replaceAll("[0-9]+", "N").replaceAll("\"[^\"]*\"", "\"S\"");
        }
    }

    private static void checkRow(List<Object> row, List<Object> expected, Mutation mutation, int region, String what) {
        assertNotNull(row, what + ": a wrong result: no row");
        if (sameRow(row, expected)) return;
        assertNotEquals(Mutation.TRUNCATE, mutation, what + ": a result from a truncated reply: " + row);
        assertEquals(expected.size(), row.size(), what + ": a wrong number of columns: " + row);
        for (int j = 0; j < row.size(); j++) {
            if (j != region && !Objects.deepEquals(row.get(j), expected.get(j))) {
                fail(what + ": a wrong result in column " + j + ": " + row + " instead of " + expected);
            }
        }
    }

    private static boolean sameRow(List<Object> row, List<Object> expected) {
        if (row.size() != expected.size()) return false;
        for (int j = 0; j < row.size(); j++) {
            if (!Objects.deepEquals(row.get(j), expected.get(j))) return false;
        }
        return true;
    }

    /** A clean connection and query through a recording proxy. */
    private static Clean cleanRun(TestServer server) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try (FaultProxy proxy = FaultProxy.start(server)) {
            proxy.tamper(SERVER_TO_CLIENT, (offset, chunk) -> {
                seen.writeBytes(chunk);
                return Forward.as(chunk);
            });
            try (Connection c = Pgreen.connect(proxy.dsn())) {
                c.setAutocommit(true);
                int startup = seen.size();
                List<Object> row = c.cursor().execute(SQL).fetchOne().toList();
                assertEquals(42, row.get(0));
                return new Clean(seen.toByteArray(), startup, row);
            }
        }
    }

    /**
     * For each byte of the server's messages: {@link #FRAME}, the column whose value or description it belongs to,
     * or {@link #NO_COLUMN} for other content (names, tags, parameters, key data).
     */
    static int[] layout(byte[] s, int columns) {
        int[] marks = new int[s.length];
        Arrays.fill(marks, FRAME);
        int p = 0;
        while (p + 5 <= s.length) {
            char type = (char) s[p];
            int end = p + 1 + int32(s, p + 1);
            int q = p + 5;
            if ("KZ".indexOf(type) < 0) Arrays.fill(marks, p + 1, q, VARIABLE_LENGTH);
            switch (type) {
                case 'T' -> {
                    q += 2;
                    for (int j = 0; j < columns; j++) {
                        // The name, its terminator and the 18 bytes of type data: all describe column j.
                        int next = indexOfNul(s, q) + 19;
                        Arrays.fill(marks, q, next, j);
                        q = next;
                    }
                }
                case 'D' -> {
                    q += 2;
                    for (int j = 0; j < columns; j++) {
                        int len = int32(s, q);
                        q += 4;
                        if (len > 0) {
                            Arrays.fill(marks, q, q + len, j);
                            q += len;
                        }
                    }
                }
                case 'S', 'C', 'N' -> {
                    for (int nul = indexOfNul(s, q); nul < end; nul = indexOfNul(s, q)) {
                        Arrays.fill(marks, q, nul, NO_COLUMN);
                        q = nul + 1;
                    }
                }
                case 'K' -> Arrays.fill(marks, q, end, NO_COLUMN);
                default -> { }
            }
            p = end;
        }
        return marks;
    }

    private static String describe(int region) {
        return switch (region) {
            case VARIABLE_LENGTH -> "length of a variable message";
            case FRAME -> "framing";
            case NO_COLUMN -> "content";
            default -> "column " + region;
        };
    }

    private static int int32(byte[] s, int at) {
        return ((s[at] & 0xff) << 24) | ((s[at + 1] & 0xff) << 16) | ((s[at + 2] & 0xff) << 8) | (s[at + 3] & 0xff);
    }

    private static int indexOfNul(byte[] s, int from) {
        for (int i = from; i < s.length; i++) {
            if (s[i] == 0) return i;
        }
        return s.length;
    }
}
