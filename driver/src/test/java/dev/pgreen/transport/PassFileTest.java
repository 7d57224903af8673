package dev.pgreen.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** libpq's ~/.pgpass: format, escapes, wildcards, permissions, and when it is used. */
class PassFileTest {
    @TempDir
    Path home;

    private Path write(String name, String text, String perms) throws IOException {
        Path file = home.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        return file;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "db:5432:shop:alice:s3cret | s3cret",
            "*:*:*:*:any | any",
            "db:*:shop:*:wild | wild",
            "db:5432:shop:alice:pa\\:ss\\\\word | pa:ss\\word",
            "db:5432:shop:alice:first:rest | first",
            "db\\:x:5432:shop:alice:no | ",
            "db:5433:shop:alice:wrong-port | ",
            "db:5432:shop | ",
            "** :5432:shop:alice:no | "})
    void matchesLikeLibpq(String line, String expected) {
        assertEquals(expected, PassFile.match(line, new String[] {"db", "5432", "shop", "alice"}));
    }

    @Test
    void escapedColonInAField() {
        assertEquals("pw", PassFile.match("db\\:x:5432:shop:alice:pw", new String[] {"db:x", "5432", "shop", "alice"}));
    }

    @Test
    void firstMatchingLineWinsAndCommentsAreSkipped() throws IOException {
        Path f = write(".pgpass", """
                # db:5432:shop:alice:commented
                other:5432:shop:alice:other
                db:5432:shop:alice:first
                *:*:*:*:fallback
                """, "rw-------");
        assertEquals("first", PassFile.password(f, "db", 5432, "shop", "alice"));
        assertEquals("fallback", PassFile.password(f, "db", 5432, "shop", "bob"));
    }

    @Test
    void groupOrWorldAccessIsIgnoredWithAWarning() throws IOException {
        Path f = write(".pgpass", "*:*:*:*:secret\n", "rw-r-----");
        List<String> warnings = new ArrayList<>();
        assertNull(PassFile.password(f, "db", 5432, "shop", "alice", warnings::add));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("has group or world access"), warnings.get(0));
        assertTrue(warnings.get(0).contains(f.toString()), warnings.get(0));
    }

    @Test
    void aDirectoryIsIgnoredWithAWarning() throws IOException {
        Path dir = Files.createDirectory(home.resolve("dir"));
        List<String> warnings = new ArrayList<>();
        assertNull(PassFile.password(dir, "db", 5432, "shop", "alice", warnings::add));
        assertTrue(warnings.get(0).contains("not a plain file"), warnings.get(0));
    }

    @Test
    void localhostMatchesTheDefaultSocketDirectory() throws IOException {
        Path f = write(".pgpass", "localhost:5432:shop:alice:local\n", "rw-------");
        assertEquals("local", PassFile.password(f, ConnectSettings.DEFAULT_SOCKET_DIR, 5432, "shop", "alice"));
        assertEquals("local", PassFile.password(f, "localhost", 5432, "shop", "alice"));
        assertNull(PassFile.password(f, "/tmp", 5432, "shop", "alice"));
    }

    @Test
    void usedOnlyWhenNoPasswordIsGivenPerHost() throws IOException {
        write(".pgpass", "a:1:shop:alice:pw-a\nb:2:shop:alice:pw-b\n", "rw-------");
        var env = Map.of("HOME", home.toString());
        var s = ConnectSettingsTest.resolve("host=a,b port=1,2 dbname=shop user=alice", env);
        assertNull(s.password(), "the resolved settings keep the given password only");
        var a = s.forHost(s.hosts().get(0));
        assertEquals("pw-a", a.password());
        assertEquals(home.resolve(".pgpass"), a.passwordFile());
        assertEquals("pw-b", s.forHost(s.hosts().get(1)).password());

        var given = ConnectSettingsTest.resolve("host=a port=1 dbname=shop user=alice password=given", env);
        assertEquals("given", given.forHost(given.hosts().get(0)).password());
        assertNull(given.forHost(given.hosts().get(0)).passwordFile());
    }

    @Test
    void passfileSettingAndPgpassfileChooseTheFile() throws IOException {
        Path other = write("other", "*:*:*:*:from-other\n", "rw-------");
        write(".pgpass", "*:*:*:*:from-home\n", "rw-------");
        var home = Map.of("HOME", this.home.toString());
        var viaParam = ConnectSettingsTest.resolve("host=a passfile=" + other + " user=u", home);
        assertEquals("from-other", viaParam.forHost(viaParam.hosts().get(0)).password());
        var viaEnv = ConnectSettingsTest.resolve("host=a user=u", Map.of("HOME", this.home.toString(),
                "PGPASSFILE", other.toString()));
        assertEquals("from-other", viaEnv.forHost(viaEnv.hosts().get(0)).password());
        var dflt = ConnectSettingsTest.resolve("host=a user=u", home);
        assertEquals("from-home", dflt.forHost(dflt.hosts().get(0)).password());
    }

    @Test
    void aHostaddrOnlyHostIsLookedUpByItsAddress() throws IOException {
        write(".pgpass", "10.0.0.7:5432:shop:alice:by-address\n", "rw-------");
        var s = ConnectSettingsTest.resolve("hostaddr=10.0.0.7 dbname=shop user=alice", Map.of("HOME", home.toString()));
        assertEquals("by-address", s.forHost(s.hosts().get(0)).password());
    }
}
