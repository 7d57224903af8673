package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.testing.ChildJvm;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cursor.stream holds one socket read's worth of rows at a time: ten million rows pass through a 64 MB heap. */
@ExtendWith(PgServerExtension.class)
class StreamMemoryTest {

    @Test
    void tenMillionRowsStreamInA64MegabyteHeap(TestServer server) throws Exception {
        long n = 10_000_000;
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx64m"), StreamProbe.class,
                Map.of("PGREEN_PROBE_DSN", server.dsn()), 120, Long.toString(n));
        assertEquals(0, r.exitCode(), r::toString);
        long sum = n * (n + 1) / 2;
        for (long d = 1, digits = 1; d <= n; d *= 10, digits++) {
            sum += (Math.min(n, d * 10 - 1) - d + 1) * ("row number ".length() + digits);
        }
        assertTrue(r.stdout().contains("OK " + n + " " + sum), r::toString);
    }
}
