package dev.pgreen.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgreen.errors.ProgrammingException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libpq's pg_service.conf: where it is looked for, its format, and what outranks what. */
class ServiceFileTest {
    @TempDir
    Path dir;

    private static final String FILE = """
            # services
            [shop]
            host=db.example
            port=6543
            dbname=shop
            user=alice

              [other]
            host=elsewhere
            """;

    private Map<String, String> env(String... more) {
        var env = new java.util.HashMap<String, String>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("PGSYSCONFDIR", dir.resolve("etc").toString());
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void theServiceFillsWhatTheDsnLeavesOutAndOutranksTheEnvironment() throws IOException {
        Path file = Files.writeString(dir.resolve("services.conf"), FILE);
        var s = ConnectSettingsTest.resolve("service=shop port=7000",
                env("PGSERVICEFILE", file.toString(), "PGUSER", "env-user", "PGHOST", "env-host"));
        assertEquals("db.example", s.host());
        assertEquals(7000, s.port(), "the DSN outranks the service");
        assertEquals("alice", s.user(), "the service outranks the environment");
        assertEquals("shop", s.database());
        assertEquals("db.example", s.param("host"));
    }

    @Test
    void pgserviceNamesTheService() throws IOException {
        Path file = Files.writeString(dir.resolve("services.conf"), FILE);
        var s = ConnectSettingsTest.resolve("", env("PGSERVICEFILE", file.toString(), "PGSERVICE", "other"));
        assertEquals("elsewhere", s.host());
    }

    @Test
    void homeFileThenSystemFile() throws IOException {
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("home/.pg_service.conf"), "[mine]\nhost=from-home\n");
        Files.writeString(dir.resolve("etc/pg_service.conf"), "[mine]\nhost=from-etc\n[system]\nhost=sys\n");
        assertEquals("from-home", ConnectSettingsTest.resolve("service=mine", env()).host());
        assertEquals("sys", ConnectSettingsTest.resolve("service=system", env()).host());
    }

    @Test
    void anUnknownServiceIsAnErrorNamingIt() {
        var e = assertThrows(ProgrammingException.class, () -> ConnectSettingsTest.resolve("service=nosuch", env()));
        assertEquals("definition of service \"nosuch\" not found", e.getMessage());
    }

    @Test
    void badLinesAreNamedWithTheirLineNumber() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.conf"), "[s]\nhost=h\nnonsense\n");
        var e = assertThrows(ProgrammingException.class,
                () -> ConnectSettingsTest.resolve("service=s", env("PGSERVICEFILE", bad.toString())));
        assertEquals("syntax error in service file \"" + bad + "\", line 3", e.getMessage());
        Path unknownKey = Files.writeString(dir.resolve("key.conf"), "[s]\nhots=h\n");
        assertThrows(ProgrammingException.class,
                () -> ConnectSettingsTest.resolve("service=s", env("PGSERVICEFILE", unknownKey.toString())));
        Path nested = Files.writeString(dir.resolve("nested.conf"), "[s]\nservice=t\n");
        var n = assertThrows(ProgrammingException.class,
                () -> ConnectSettingsTest.resolve("service=s", env("PGSERVICEFILE", nested.toString())));
        assertEquals("nested service specifications not supported in service file \"" + nested + "\", line 2",
                n.getMessage());
    }

    @Test
    void aBadValueFromTheServiceNamesTheService() throws IOException {
        Path file = Files.writeString(dir.resolve("s.conf"), "[s]\nport=none\n");
        var e = assertThrows(ProgrammingException.class,
                () -> ConnectSettingsTest.resolve("service=s", env("PGSERVICEFILE", file.toString())));
        assertEquals("invalid service \"s\": invalid port number: \"none\"", e.getMessage());
    }
}
