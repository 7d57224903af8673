package dev.pgreen.loom;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * No pinning: the W3 shape (thousands of virtual threads over a pool of 16, on
 * borrowed connections and as multiplexed one-shot statements)
 * recorded with JFR's jdk.VirtualThreadPinned at threshold 0 shows no event
 * with a pgreen frame on its stack. A positive control (a virtual thread
 * parking inside a class initializer) proves the recording sees pinning at all.
 * {@link GreennessTest} runs the same on JDK 21 when one is installed.
 */
@ExtendWith(PgServerExtension.class)
class PinningTest {
    @AfterAll
    static void restore() {
        TestWait.install();
    }

    @Test
    void w3ShapePinsNoCarrierInPgreen(TestServer server, @TempDir Path dir) throws Exception {
        LoomTesting.requireLoopback(server);
        Loom.install();
        List<String> dsns = new ArrayList<>(List.of(server.dsn()));
        if (server.certificates().isPresent()) {
            // Over TLS too: the handshake and every encrypted read and write wait through the same poller.
            Path absent = dir.resolve("absent");
            dsns.add(server.tlsDsn(server.user(), null) + " sslmode=require sslrootcert=" + absent.resolve("root.crt")
                    + " sslcert=" + absent.resolve("postgresql.crt"));
        }
        Path jfr = dir.resolve("w3.jfr");
        // Each DSN on borrowed connections, then as one-shot statements multiplexed on the pool's connections.
        List<Workloads.W3Result> results = LoomProbe.w3WithJfr(dsns, jfr, 3000, 5);
        for (int i = 0; i < results.size(); i++) {
            Workloads.W3Result result = results.get(i);
            System.err.println("loom " + (i < 2 ? "" : "over TLS ") + result);
            assertEquals(0, result.errors(), "every point select returned the right balance");
            assertEquals(15_000, result.queries());
        }
        assertNoPinningAttributableToPgreen(Workloads.pins(jfr));
    }

    static void assertNoPinningAttributableToPgreen(List<Workloads.Pin> pins) {
        List<Workloads.Pin> control = pins.stream().filter(p -> p.inPackage("pincontrol.")).toList();
        List<Workloads.Pin> pgreen = pins.stream()
                .filter(p -> !p.inPackage("pincontrol.") && p.inPackage("dev.pgreen."))
                .toList();
        System.err.println("loom pinning: " + pins.size() + " jdk.VirtualThreadPinned events, " + control.size()
                + " from the control, " + pgreen.size() + " attributable to pgreen");
        assertFalse(control.isEmpty(), "the control pinned a virtual thread, yet the recording shows no event: "
                + "it cannot be trusted to see pinning (events: " + pins + ")");
        assertTrue(pgreen.isEmpty(), pgreen.size() + " pinning events with pgreen on the stack:\n"
                + pgreen.stream().map(Workloads.Pin::toString).collect(Collectors.joining("\n")));
    }
}
