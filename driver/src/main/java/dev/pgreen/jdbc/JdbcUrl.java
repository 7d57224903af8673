package dev.pgreen.jdbc;

import dev.pgreen.transport.DsnParser;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code jdbc:pgreen://host[:port][,host2[:port2]...]/database[?key=value&...]} to a libpq DSN. The keys
 * are libpq's; {@code user} and {@code password} may also come as Properties, and a few keys are the JDBC
 * layer's own ({@link Options}). Nothing here ever puts the password in a message.
 */
final class JdbcUrl {
    static final String PREFIX = "jdbc:pgreen:";

    /**
     * The JDBC layer's own settings: {@code prepareThreshold} (uses of a statement text on a connection
     * before it stays prepared on the server; 0: never; default 5, as pgjdbc), {@code stringtype}
     * ({@code unspecified} sends setString values untyped, so they fit json, uuid or enum columns; default
     * {@code varchar}, as pgjdbc), {@code defaultRowFetchSize} (the fetch size statements start with).
     */
    record Options(int prepareThreshold, boolean stringsUnspecified, int defaultRowFetchSize) {
        static final Options DEFAULTS = new Options(5, false, 0);
    }

    private static final Set<String> OPTION_KEYS = Set.of("prepareThreshold", "stringtype", "defaultRowFetchSize");

    /** The DSN to connect with and the JDBC options. */
    record Parsed(String dsn, Options options) {
        @Override
        public String toString() {
            return "Parsed(" + DsnParser.maskPassword(dsn) + ", " + options + ")";
        }
    }

    private JdbcUrl() {}

    static boolean accepts(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    static Parsed parse(String url, Properties info) throws SQLException {
        if (!accepts(url)) {
            throw new SQLException("not a pgreen JDBC URL (jdbc:pgreen://host:port/database)", "08001");
        }
        String rest = url.substring(PREFIX.length());
        if (!rest.startsWith("//")) {
            throw new SQLException("malformed JDBC URL: expected jdbc:pgreen://host[:port][,...]/database[?key=value]",
                    "08001");
        }
        rest = rest.substring(2);
        Map<String, String> params = new LinkedHashMap<>();
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                if (DsnParser.KEYWORDS.contains(key) || OPTION_KEYS.contains(key)) {
                    params.put(key, info.getProperty(key));
                }
            }
        }
        int question = rest.indexOf('?');
        String query = question < 0 ? "" : rest.substring(question + 1);
        String base = question < 0 ? rest : rest.substring(0, question);
        int slash = base.indexOf('/');
        String authority = slash < 0 ? base : base.substring(0, slash);
        String database = slash < 0 ? "" : decode(base.substring(slash + 1));
        hosts(authority, params);
        if (!database.isEmpty()) {
            params.put("dbname", database);
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        Options options = options(params);
        StringBuilder dsn = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (OPTION_KEYS.contains(e.getKey()) || e.getValue() == null) {
                continue;
            }
            dsn.append(dsn.isEmpty() ? "" : " ").append(e.getKey()).append("='")
                    .append(e.getValue().replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        return new Parsed(dsn.toString(), options);
    }

    /** host[:port] entries, IPv6 addresses in brackets; ports for all or none (5432 fills the gaps). */
    private static void hosts(String authority, Map<String, String> params) throws SQLException {
        if (authority.isEmpty()) {
            return;
        }
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (String entry : authority.split(",")) {
            String host = entry;
            String port = null;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0) {
                    throw new SQLException("malformed JDBC URL: unterminated [ in the host list", "08001");
                }
                host = entry.substring(1, close);
                if (close + 1 < entry.length() && entry.charAt(close + 1) == ':') {
                    port = entry.substring(close + 2);
                }
            } else {
                int colon = entry.lastIndexOf(':');
                if (colon >= 0) {
                    host = entry.substring(0, colon);
                    port = entry.substring(colon + 1);
                }
            }
            if (port != null && !port.chars().allMatch(Character::isDigit)) {
                throw new SQLException("malformed JDBC URL: the port of host " + host + " is not a number", "08001");
            }
            hosts.add(decode(host));
            ports.add(port == null || port.isEmpty() ? null : port);
        }
        params.put("host", String.join(",", hosts));
        if (ports.stream().anyMatch(p -> p != null)) {
            params.put("port", String.join(",", ports.stream().map(p -> p == null ? "5432" : p).toList()));
        }
    }

    private static Options options(Map<String, String> params) throws SQLException {
        Options d = Options.DEFAULTS;
        return new Options(
                integer(params, "prepareThreshold", d.prepareThreshold()),
                "unspecified".equalsIgnoreCase(params.getOrDefault("stringtype", "varchar")),
                integer(params, "defaultRowFetchSize", d.defaultRowFetchSize()));
    }

    private static int integer(Map<String, String> params, String key, int fallback) throws SQLException {
        String v = params.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new SQLException("the JDBC setting " + key + " must be a number, not " + v, "08001");
        }
    }

    /** Percent-decoded; a lone % (not an escape) stays as written. */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return s;
        }
    }
}
