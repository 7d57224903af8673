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

/**
 * How much heap reading a large value takes, measured where it can be: in a JVM of its own whose heap is a small
 * multiple of the value ({@link LargeValueProbe}).
 */
@ExtendWith(PgServerExtension.class)
class LargeValueMemoryTest {
    private static final int MIB = 1024 * 1024;

    /**
     * A bytea of N bytes arrives as 2N bytes of hex text, and becomes an array of N: 3N is the least this can take
     * with the row kept as received, and reading one took about 5.5N (the receive buffer grown by doubling, the
     * row copied out of it). It now fits in a heap of 4N.
     */
    @Test
    void aByteaIsReadInAHeapOfFourTimesItsSize(TestServer server) throws Exception {
        int size = 32 * MIB;
        ChildJvm.Result r = ChildJvm.run(List.of("-Xmx" + 4 * size / MIB + "m", "-XX:+UseG1GC"), LargeValueProbe.class,
                Map.of("PGREEN_PROBE_DSN", server.dsn()), 30, Integer.toString(size));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("OK"), r::toString);
    }
}
