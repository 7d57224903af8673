package dev.pgreen.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * libpq's password file ({@code ~/.pgpass}): lines of
 * {@code hostname:port:database:username:password}, where a field of just {@code *} matches
 * anything, {@code \:} and {@code \\} stand for {@code :} and {@code \}, and lines starting with
 * {@code #} are comments. The first matching line wins.
 *
 * <p>As libpq on POSIX systems, a file that is not a plain file, or that the group or others may
 * access, is ignored with a warning.
 */
final class PassFile {
    private static final System.Logger LOG = System.getLogger(PassFile.class.getName());
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PassFile() {}

    /** {@link #password(Path, String, int, String, String, Consumer)}, warning through {@link System.Logger}. */
    static String password(Path file, String host, int port, String database, String user) {
        return password(file, host, port, database, user, w -> LOG.log(System.Logger.Level.WARNING, w));
    }

    /**
     * The password of the first line of {@code file} that matches, or null (no file, no match, or a file
     * ignored for its permissions, which is said to {@code warn}).
     *
     * @param host the host name as given (a Unix-socket directory for a local connection): the
     *     default socket directory matches {@code localhost}, as libpq has it
     */
    static String password(Path file, String host, int port, String database, String user, Consumer<String> warn) {
        if (database == null || database.isEmpty() || user == null || user.isEmpty()) {
            return null;
        }
        if (host == null || host.isEmpty() || host.equals(ConnectSettings.DEFAULT_SOCKET_DIR)) {
            host = "localhost";
        }
        if (!Files.exists(file)) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            warn.accept("password file \"" + file + "\" is not a plain file");
            return null;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                warn.accept("password file \"" + file
                        + "\" has group or world access; permissions should be u=rw (0600) or less");
                return null;
            }
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions here (Windows): libpq trusts the file there too.
        } catch (IOException e) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        String[] wanted = {host, Integer.toString(port), database, user};
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String password = match(line, wanted);
            if (password != null) {
                return password;
            }
        }
        return null;
    }

    /** The password of {@code line} when its four first fields match {@code wanted}, else null. */
    static String match(String line, String[] wanted) {
        int pos = 0;
        for (String token : wanted) {
            pos = matchField(line, pos, token);
            if (pos < 0) {
                return null;
            }
        }
        // The password runs to the next unescaped ':' (or the end), with its escapes removed.
        var password = new StringBuilder();
        for (int i = pos; i < line.length() && line.charAt(i) != ':'; i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                c = line.charAt(++i);
            }
            password.append(c);
        }
        return password.toString();
    }

    /** Where the next field starts when the field at {@code pos} matches {@code token}, else -1. */
    private static int matchField(String line, int pos, String token) {
        if (line.startsWith("*:", pos)) {
            return pos + 2;
        }
        int t = 0;
        int i = pos;
        while (i < line.length()) {
            char c = line.charAt(i);
            boolean escaped = false;
            if (c == '\\' && i + 1 < line.length()) {
                c = line.charAt(++i);
                escaped = true;
            }
            if (c == ':' && !escaped) {
                return t == token.length() ? i + 1 : -1;
            }
            if (t >= token.length() || token.charAt(t) != c) {
                return -1;
            }
            t++;
            i++;
        }
        // A line that ends inside the fields has no password.
        return -1;
    }
}
