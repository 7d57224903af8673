package dev.pgreen.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Starts the test server (same choice as the tests: PGREEN_TEST_DSN, Docker, else a throwaway cluster), prints
 * its {@link TestServer#dsn()} on stdout, and stops it when a line is entered or stdin closes.
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws IOException {
        TestServer server = TestServer.get();
        System.out.println(server.dsn());
        System.out.flush();
        System.err.println("pgreen tests: press Enter (or close stdin) to stop the server");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            in.readLine();
        } finally {
            TestServer.shutdown();
        }
    }
}
