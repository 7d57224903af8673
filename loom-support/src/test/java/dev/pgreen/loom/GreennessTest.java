package dev.pgreen.loom;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * W7, the greenness proof: in a JVM whose virtual-thread scheduler has exactly
 * one carrier and may not add another, 100 virtual threads each run
 * {@code SELECT pg_sleep(0.5)} on their own connection. Green, they overlap and
 * finish in about 0.5 s; a wait that blocked the carrier would run them one by
 * one, 50 s. Run on this JDK and on JDK 21 when one is installed, since JDK 21's
 * virtual threads pin on more than JDK 25's do.
 */
@ExtendWith(PgServerExtension.class)
class GreennessTest {
    private static final int CONNECTIONS = 100;
    /** Generous: the ideal is 500 ms; blocking the carrier would take 50,000 ms. */
    private static final long LIMIT_MILLIS = 5_000;
    private static final Pattern W7 = Pattern.compile(
            "^W7 connections=(\\d+) connect_ms=(\\d+) query_ms=(\\d+) carriers=(\\d+)$");

    private static Optional<Path> jdk21() {
        return ChildJvm.findJdk(21);
    }

    @Test
    void w7OnThisJdk(TestServer server) throws Exception {
        w7(server, ChildJvm.currentJdk());
    }

    @Test
    void w7OnJdk21(TestServer server) throws Exception {
        Optional<Path> jdk = jdk21();
        assumeTrue(jdk.isPresent(), "no JDK 21 installed (looked in /usr/lib/jvm and PGREEN_JDK21_HOME): "
                + "the JDK 21 greenness run is skipped");
        w7(server, jdk.get());
    }

    @Test
    void noPinningOnJdk21(TestServer server, @TempDir Path dir) throws Exception {
        Optional<Path> jdk = jdk21();
        assumeTrue(jdk.isPresent(), "no JDK 21 installed (looked in /usr/lib/jvm and PGREEN_JDK21_HOME): "
                + "the JDK 21 pinning run is skipped");
        LoomTesting.requireLoopback(server);
        Path jfr = dir.resolve("w3-jdk21.jfr");
        ChildJvm.Result r = ChildJvm.run(jdk.get(), List.of(), server.dsn(), "w3-jfr", jfr.toString());
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        System.err.println("loom JDK 21: " + r.stdout().strip().replace('\n', ' '));
        PinningTest.assertNoPinningAttributableToPgreen(Workloads.pins(jfr));
    }

    private static void w7(TestServer server, Path jdk) throws Exception {
        LoomTesting.requireLoopback(server);
        ChildJvm.Result r = ChildJvm.run(jdk, ChildJvm.ONE_CARRIER, server.dsn(), "w7", Integer.toString(CONNECTIONS));
        assertEquals(0, r.exitCode(), "the probe failed:\n" + r.stdout() + r.stderr());
        String line = r.line("W7 ").orElseThrow(() -> new AssertionError("no W7 line:\n" + r.stdout() + r.stderr()));
        Matcher m = W7.matcher(line);
        assertTrue(m.matches(), line);
        System.err.println("loom greenness on " + jdk + ": " + r.stdout().strip().replace("\n", " | "));
        assertEquals(CONNECTIONS, Integer.parseInt(m.group(1)));
        assertEquals(1, Integer.parseInt(m.group(4)),
                "the virtual threads must all have run on the one carrier, or the flags did not take: " + line);
        long queryMillis = Long.parseLong(m.group(3));
        assertTrue(queryMillis < LIMIT_MILLIS, CONNECTIONS + " concurrent pg_sleep(0.5) on one carrier took "
                + queryMillis + " ms: the wait blocks the carrier");
    }
}
