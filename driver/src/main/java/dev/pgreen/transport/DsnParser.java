package dev.pgreen.transport;

import dev.pgreen.errors.ProgrammingException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Parses libpq connection strings: {@code key=value} pairs or a {@code postgresql://} URI.
 *
 * <p>The rules are libpq's: pairs are separated by whitespace, values may be single-quoted, a
 * backslash escapes the next character; URIs are {@code
 * postgresql://[user[:password]@][host][:port][,host[:port]...][/dbname][?key=value&...]} with
 * percent-decoding everywhere. Errors raise {@link ProgrammingException} with a message that
 * starts with {@code "invalid dsn: "} and names the bad part, but never shows a password.
 */
public final class DsnParser {

    /** Every keyword libpq accepts. */
    public static final Set<String> KEYWORDS = Set.of(
            "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
            "connect_timeout", "client_encoding", "options", "application_name",
            "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
            "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode",
            "requiressl", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslrootcert",
            "sslcrl", "sslcrldir", "sslsni", "sslnegotiation", "requirepeer", "ssl_min_protocol_version",
            "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service",
            "target_session_attrs", "load_balance_hosts");

    private static final List<String> URI_PREFIXES = List.of("postgresql://", "postgres://");

    // Whitespace splits the pieces, so a password with spaces that was not quoted spills into the
    // next "key"; echoing that key would show part of the password.
    private static final String AFTER_PASSWORD = " after the password value (quote a password that contains spaces)";

    /** One parameter and where its raw value sits in the DSN, so a password can be masked in place. */
    private record Entry(String key, String value, int valueStart, int valueEnd) {}

    private final String dsn;
    private final int end;
    private int pos;
    private final List<Entry> entries = new ArrayList<>();

    private DsnParser(String dsn, int start, int end) {
        this.dsn = dsn;
        this.pos = start;
        this.end = end;
    }

    /**
     * Returns the parameters of {@code dsn} in the order given; a repeated key keeps its first
     * position and its last value. An empty or blank DSN has no parameters.
     *
     * @throws ProgrammingException if the DSN is malformed, names an unknown keyword, or has a bad
     *     port or connect_timeout
     */
    public static LinkedHashMap<String, String> parse(String dsn) {
        var params = new LinkedHashMap<String, String>();
        for (Entry e : entries(dsn)) {
            params.put(e.key(), e.value());
        }
        return params;
    }

    /**
     * Returns {@code dsn} as written with every password value replaced by {@code xxx}, in either
     * syntax ({@code password=xxx}, {@code postgresql://user:xxx@host}).
     *
     * @throws ProgrammingException if the DSN does not parse
     */
    public static String maskPassword(String dsn) {
        var out = new StringBuilder(dsn.length());
        int copied = 0;
        for (Entry e : entries(dsn)) {
            if (e.key().equals("password")) {
                out.append(dsn, copied, e.valueStart()).append("xxx");
                copied = e.valueEnd();
            }
        }
        return out.append(dsn, copied, dsn.length()).toString();
    }

    /**
     * Renders {@code params} as a {@code key=value} DSN that {@link #parse} reads back, quoting
     * values where needed, with the password shown as {@code xxx}.
     */
    public static String toMaskedDsn(Map<String, String> params) {
        var out = new StringJoiner(" ");
        params.forEach((key, value) ->
                out.add(key + "=" + (key.equals("password") ? "xxx" : quote(value))));
        return out.toString();
    }

    /**
     * Checks one parameter as {@link #parse} would: the key must be a libpq keyword, and a port or
     * connect_timeout must be valid. A null value checks the key only.
     *
     * @throws ProgrammingException naming the bad key or value
     */
    public static void checkParameter(String key, String value) {
        Objects.requireNonNull(key, "key");
        if (!KEYWORDS.contains(key)) {
            throw invalid("invalid connection option \"" + key + "\"");
        }
        if (value != null) {
            checkValue(key, value);
        }
    }

    /** The port in {@code text} (surrounding whitespace allowed), or -1 if it is not 1 to 65535. */
    static int portNumber(String text) {
        Integer port = integer(text);
        return port == null || port < 1 || port > 65535 ? -1 : port;
    }

    /** The integer in {@code text} (surrounding whitespace allowed, as libpq), or null. */
    static Integer integer(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static ProgrammingException invalid(String what) {
        return new ProgrammingException("invalid dsn: " + what);
    }

    private static void checkValue(String key, String value) {
        switch (key) {
            case "port" -> {
                // One port per host, or one for all; an empty item means the default.
                for (String port : value.split(",", -1)) {
                    if (!port.isBlank() && portNumber(port) < 0) {
                        throw invalid("invalid port number: \"" + port + "\"");
                    }
                }
            }
            case "connect_timeout" -> {
                if (!value.isBlank() && integer(value) == null) {
                    throw invalid("invalid integer value \"" + value + "\" for connection option \"connect_timeout\"");
                }
            }
            default -> { }
        }
    }

    private static String quote(String value) {
        boolean plain = !value.isEmpty()
                && value.chars().noneMatch(c -> isSpace(c) || c == '\'' || c == '\\');
        if (plain) {
            return value;
        }
        var out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\'' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('\'').toString();
    }

    private static List<Entry> entries(String dsn) {
        Objects.requireNonNull(dsn, "dsn");
        int start = 0;
        int end = dsn.length();
        while (start < end && isSpace(dsn.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(dsn.charAt(end - 1))) {
            end--;
        }
        for (String prefix : URI_PREFIXES) {
            if (dsn.startsWith(prefix, start)) {
                var parser = new DsnParser(dsn, start + prefix.length(), end);
                parser.parseUri();
                return parser.entries;
            }
        }
        var parser = new DsnParser(dsn, start, end);
        parser.parseKeywordValues();
        return parser.entries;
    }

    // libpq's isspace(): ASCII whitespace only.
    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private void add(String key, String value, int valueStart, int valueEnd) {
        checkValue(key, value);
        entries.add(new Entry(key, value, valueStart, valueEnd));
    }

    private void parseKeywordValues() {
        boolean afterBarePassword = false;
        while (true) {
            while (pos < end && isSpace(dsn.charAt(pos))) {
                pos++;
            }
            if (pos >= end) {
                return;
            }
            int keyStart = pos;
            while (pos < end && !isSpace(dsn.charAt(pos)) && dsn.charAt(pos) != '=') {
                pos++;
            }
            String key = dsn.substring(keyStart, pos);
            while (pos < end && isSpace(dsn.charAt(pos))) {
                pos++;
            }
            if (pos >= end || dsn.charAt(pos) != '=') {
                throw invalid(afterBarePassword
                        ? "missing \"=\"" + AFTER_PASSWORD
                        : "missing \"=\" after \"" + key + "\" in connection info string");
            }
            pos++;
            while (pos < end && isSpace(dsn.charAt(pos))) {
                pos++;
            }
            int valueStart = pos;
            boolean quoted = pos < end && dsn.charAt(pos) == '\'';
            String value = quoted ? quotedValue() : bareValue();
            if (!KEYWORDS.contains(key)) {
                throw invalid(afterBarePassword
                        ? "invalid connection option" + AFTER_PASSWORD
                        : "invalid connection option \"" + key + "\"");
            }
            add(key, value, valueStart, pos);
            afterBarePassword = key.equals("password") && !quoted;
        }
    }

    private String quotedValue() {
        var value = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= end) {
                throw invalid("unterminated quoted string in connection info string");
            }
            char c = dsn.charAt(pos++);
            if (c == '\'') {
                return value.toString();
            }
            if (c == '\\') {
                if (pos >= end) {
                    throw invalid("unterminated quoted string in connection info string");
                }
                c = dsn.charAt(pos++);
            }
            value.append(c);
        }
    }

    private String bareValue() {
        var value = new StringBuilder();
        while (pos < end && !isSpace(dsn.charAt(pos))) {
            char c = dsn.charAt(pos++);
            if (c == '\\') {
                // As libpq: the escaped character is taken literally, even a space; a trailing
                // backslash escapes nothing and is dropped.
                if (pos < end) {
                    value.append(dsn.charAt(pos++));
                }
            } else {
                value.append(c);
            }
        }
        return value.toString();
    }

    private void parseUri() {
        int authorityEnd = indexOfAny(pos, end, "/?");
        // The last '@' so that an unescaped '@' in a password still ends up in the password.
        int at = dsn.lastIndexOf('@', authorityEnd - 1);
        if (at >= pos) {
            int colon = indexOfAny(pos, at, ":");
            String user = decode(pos, colon, "user");
            if (!user.isEmpty()) {
                add("user", user, pos, colon);
            }
            if (colon < at) {
                String password = decode(colon + 1, at, "password");
                if (!password.isEmpty()) {
                    add("password", password, colon + 1, at);
                }
            }
            pos = at + 1;
        }
        parseHosts(authorityEnd);
        if (pos < end && dsn.charAt(pos) == '/') {
            int dbStart = pos + 1;
            pos = indexOfAny(dbStart, end, "?");
            String dbname = decode(dbStart, pos, "database name");
            if (!dbname.isEmpty()) {
                add("dbname", dbname, dbStart, pos);
            }
        }
        if (pos < end && dsn.charAt(pos) == '?') {
            pos++;
            parseQuery();
        }
    }

    private void parseHosts(int authorityEnd) {
        int hostsStart = pos;
        var hosts = new StringJoiner(",");
        var ports = new StringJoiner(",");
        boolean anyHost = false;
        boolean anyPort = false;
        while (true) {
            String host;
            if (pos < authorityEnd && dsn.charAt(pos) == '[') {
                int close = indexOfAny(pos, authorityEnd, "]");
                if (close == authorityEnd) {
                    throw invalid("missing \"]\" after IPv6 host address \""
                            + dsn.substring(pos, authorityEnd) + "\" in URI");
                }
                if (close == pos + 1) {
                    throw invalid("empty IPv6 host address \"[]\" in URI");
                }
                host = decode(pos + 1, close, "host");
                pos = close + 1;
                if (pos < authorityEnd && dsn.charAt(pos) != ':' && dsn.charAt(pos) != ',') {
                    throw invalid("unexpected character \"" + dsn.charAt(pos)
                            + "\" after IPv6 host address \"" + dsn.substring(hostsStart, pos)
                            + "\" in URI (expected \":\", \",\", \"/\" or \"?\")");
                }
            } else {
                int hostEnd = indexOfAny(pos, authorityEnd, ":,");
                host = decode(pos, hostEnd, "host");
                pos = hostEnd;
            }
            String port = "";
            if (pos < authorityEnd && dsn.charAt(pos) == ':') {
                int portStart = pos + 1;
                pos = indexOfAny(portStart, authorityEnd, ",");
                port = decode(portStart, pos, "port");
            }
            hosts.add(host);
            ports.add(port);
            anyHost |= !host.isEmpty();
            anyPort |= !port.isEmpty();
            if (pos < authorityEnd && dsn.charAt(pos) == ',') {
                pos++;
            } else {
                break;
            }
        }
        if (anyHost) {
            add("host", hosts.toString(), hostsStart, authorityEnd);
        }
        if (anyPort) {
            add("port", ports.toString(), hostsStart, authorityEnd);
        }
    }

    private void parseQuery() {
        boolean afterPassword = false;
        while (pos < end) {
            int paramEnd = indexOfAny(pos, end, "&");
            if (paramEnd == pos) {
                pos++;
                continue;
            }
            int eq = indexOfAny(pos, paramEnd, "=");
            if (eq == paramEnd) {
                // A '&' in an unescaped password would split it here, so don't echo that piece.
                throw invalid(afterPassword
                        ? "missing \"=\" in the URI query parameter after the password (percent-encode \"&\" in a password)"
                        : "missing \"=\" in URI query parameter \"" + dsn.substring(pos, paramEnd) + "\"");
            }
            String key = decode(pos, eq, "query parameter name");
            if (indexOfAny(eq + 1, paramEnd, "=") < paramEnd) {
                throw invalid("extra \"=\" in URI query parameter \"" + key + "\" (percent-encode it as %3D)");
            }
            String value = decode(eq + 1, paramEnd,
                    key.equals("password") ? "password" : "query parameter \"" + key + "\"");
            // libpq accepts JDBC's ssl=true as sslmode=require.
            if (key.equals("ssl") && value.equals("true")) {
                key = "sslmode";
                value = "require";
            }
            if (!KEYWORDS.contains(key)) {
                throw invalid(afterPassword
                        ? "invalid URI query parameter after the password (percent-encode \"&\" in a password)"
                        : "invalid URI query parameter \"" + key + "\"");
            }
            add(key, value, eq + 1, paramEnd);
            afterPassword = key.equals("password");
            pos = paramEnd + 1;
        }
    }

    /** The first index in [from, to) holding one of {@code chars}, or {@code to}. */
    private int indexOfAny(int from, int to, String chars) {
        for (int i = from; i < to; i++) {
            if (chars.indexOf(dsn.charAt(i)) >= 0) {
                return i;
            }
        }
        return to;
    }

    private String decode(int from, int to, String part) {
        if (indexOfAny(from, to, "%") == to) {
            return dsn.substring(from, to);
        }
        boolean secret = part.equals("password");
        String where = secret ? " in the password" : " in URI " + part;
        var out = new StringBuilder(to - from);
        var bytes = new ByteArrayOutputStream();
        int i = from;
        while (i < to) {
            char c = dsn.charAt(i);
            if (c != '%') {
                flushUtf8(bytes, out, where);
                out.append(c);
                i++;
                continue;
            }
            int hi = i + 2 < to ? Character.digit(dsn.charAt(i + 1), 16) : -1;
            int lo = i + 2 < to ? Character.digit(dsn.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                String token = secret ? "" : " \"" + dsn.substring(i, Math.min(i + 3, to)) + "\"";
                throw invalid("invalid percent-encoded token" + token + where);
            }
            if (hi == 0 && lo == 0) {
                throw invalid("forbidden value %00" + where);
            }
            bytes.write(hi << 4 | lo);
            i += 3;
        }
        flushUtf8(bytes, out, where);
        return out.toString();
    }

    private static void flushUtf8(ByteArrayOutputStream bytes, StringBuilder out, String where) {
        if (bytes.size() == 0) {
            return;
        }
        try {
            out.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())));
        } catch (CharacterCodingException e) {
            throw invalid("percent-encoded bytes are not UTF-8" + where);
        }
        bytes.reset();
    }
}
