package dev.pgreen;

/**
 * Reads one bytea of the size given (argument 0) from the server of {@code PGREEN_PROBE_DSN} and checks it; run by
 * {@link LargeValueMemoryTest} in a JVM whose heap is a small multiple of that size. Prints {@code OK} on success.
 */
public final class LargeValueProbe {
    private LargeValueProbe() {}

    public static void main(String[] args) {
        int size = Integer.parseInt(args[0]);
        try (Connection conn = Pgreen.connect(System.getenv("PGREEN_PROBE_DSN"))) {
            Cursor cur = conn.cursor();
            // 'x' repeated, so the probe holds no copy of what it expects.
            cur.execute("SELECT repeat('x', %s)::bytea", size);
            byte[] value = (byte[]) cur.fetchOne().get(0);
            if (value.length != size) {
                throw new AssertionError("read " + value.length + " bytes, expected " + size);
            }
            for (byte b : value) {
                if (b != 'x') throw new AssertionError("a byte other than 'x' read");
            }
        }
        System.out.println("OK");
    }
}
