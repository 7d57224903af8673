package dev.pgreen.transport;

import dev.pgreen.errors.ProgrammingException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * libpq's connection service file ({@code pg_service.conf}): INI sections named after services,
 * each holding {@code keyword=value} lines. The settings of the service named by {@code service}
 * (or {@code PGSERVICE}) fill in what the connection string leaves out; the environment comes
 * after them.
 *
 * <p>Where, in order (libpq's): {@code PGSERVICEFILE}, else {@code ~/.pg_service.conf} when it
 * exists; then, if the service was not found there, {@code PGSYSCONFDIR/pg_service.conf}
 * ({@value #DEFAULT_SYSCONFDIR} when {@code PGSYSCONFDIR} is unset, as Debian's libpq).
 */
final class ServiceFile {
    /** Debian's libpq looks for the system-wide file here. */
    static final String DEFAULT_SYSCONFDIR = "/etc/postgresql-common";

    private ServiceFile() {}

    /**
     * The settings of {@code service}, in file order.
     *
     * @param env stands in for the process environment ({@code PGSERVICEFILE}, {@code PGSYSCONFDIR},
     *     {@code HOME})
     * @throws ProgrammingException when the service is defined nowhere, or a file naming it cannot be
     *     read or has a bad line
     */
    static Map<String, String> settings(String service, Map<String, String> env) {
        var found = new LinkedHashMap<String, String>();
        String explicit = env.get("PGSERVICEFILE");
        Path userFile = null;
        if (explicit != null) {
            userFile = Path.of(explicit);
        } else {
            Path home = ConnectSettings.homeDirectory(env);
            if (home != null && Files.exists(home.resolve(".pg_service.conf"))) {
                userFile = home.resolve(".pg_service.conf");
            }
        }
        // A service found in the user's file is taken from there alone.
        if (userFile != null && read(userFile, service, found)) {
            return found;
        }
        String sysconf = env.getOrDefault("PGSYSCONFDIR", DEFAULT_SYSCONFDIR);
        Path systemFile = Path.of(sysconf, "pg_service.conf");
        if (Files.exists(systemFile) && read(systemFile, service, found)) {
            return found;
        }
        throw new ProgrammingException("definition of service \"" + service + "\" not found");
    }

    /** Adds the settings of {@code service} in {@code file} to {@code out}; false when it has no such section. */
    private static boolean read(Path file, String service, Map<String, String> out) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProgrammingException("service file \"" + file + "\" could not be read: " + e.getMessage());
        }
        boolean inService = false;
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (inService) {
                    return true;
                }
                // As libpq: the name, then ']'; whatever follows the bracket is ignored.
                inService = line.startsWith(service + "]", 1);
                found |= inService;
                continue;
            }
            if (!inService) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? null : line.substring(0, eq);
            if (key != null && key.equals("service")) {
                throw new ProgrammingException("nested service specifications not supported in service file \""
                        + file + "\", line " + (i + 1));
            }
            if (key == null || !DsnParser.KEYWORDS.contains(key)) {
                throw new ProgrammingException("syntax error in service file \"" + file + "\", line " + (i + 1));
            }
            // The first value of a keyword wins, as libpq fills only what is still unset.
            out.putIfAbsent(key, line.substring(eq + 1));
        }
        return found;
    }
}
