package dev.pgreen.jdbc;

import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * JDBC's SQL as PostgreSQL reads it: {@code ?} placeholders become {@code $1, $2...} ({@code ??} is a
 * literal {@code ?}, for the jsonb operators, as in pgjdbc), JDBC escapes ({@code {fn ...}}, {@code {d ...}},
 * {@code {ts ...}}, {@code {oj ...}}, {@code {call ...}}...) are translated, and nothing inside a string,
 * a quoted identifier, a dollar-quoted body or a comment is touched. Also notes what the driver needs to
 * know: how many parameters and statements there are, and the statement's first word.
 */
final class JdbcSql {
    /** A translated statement. */
    record Parsed(String sql, int parameterCount, int statementCount, String firstWord, boolean returning,
                  boolean modifies) {
        /** A single statement DECLARE ... CURSOR can stream: a query that changes nothing. */
        boolean isCursorable() {
            return statementCount == 1 && !modifies
                    && Set.of("select", "values", "table", "with").contains(firstWord);
        }

        /** A statement that RETURNING can be appended to, for generated keys. */
        boolean acceptsReturning() {
            return statementCount == 1 && !returning
                    && Set.of("insert", "update", "delete", "merge").contains(firstWord);
        }
    }

    private static final Map<String, String> FUNCTIONS = Map.of(
            "ucase", "upper", "lcase", "lower", "ifnull", "coalesce", "database", "current_database",
            "curdate", "CURRENT_DATE", "curtime", "CURRENT_TIME", "user", "CURRENT_USER",
            "char", "chr", "locate", "strpos");
    /** Translated to keywords, which take no parentheses. */
    private static final Set<String> KEYWORD_FUNCTIONS = Set.of("curdate", "curtime", "user");
    private static final Set<String> DML = Set.of("insert", "update", "delete", "merge");

    private final String in;
    private final boolean placeholders;
    private final boolean escapes;
    private final IntFunction<String> parameter;
    private final StringBuilder out;
    private final Deque<String> closers = new ArrayDeque<>();
    private int pos;
    private int parameters;
    private int statements;
    private boolean content;
    private String firstWord;
    private boolean returning;
    private boolean modifies;

    private JdbcSql(String in, boolean placeholders, boolean escapes, IntFunction<String> parameter) {
        this.in = in;
        this.placeholders = placeholders;
        this.escapes = escapes;
        this.parameter = parameter;
        this.out = new StringBuilder(in.length() + 16);
    }

    /** Translates {@code sql}: placeholders to {@code $n} when {@code placeholders}, escapes when {@code escapes}. */
    static Parsed parse(String sql, boolean placeholders, boolean escapes) throws SQLException {
        return parse(sql, placeholders, escapes, n -> "$" + n);
    }

    /** As {@link #parse(String, boolean, boolean)}, the n-th placeholder (1-based) written as {@code parameter}. */
    static Parsed parse(String sql, boolean placeholders, boolean escapes, IntFunction<String> parameter)
            throws SQLException {
        if (sql == null) {
            throw new SQLException("the SQL statement is null", "42601");
        }
        JdbcSql s = new JdbcSql(sql, placeholders, escapes, parameter);
        s.run();
        return new Parsed(s.out.toString(), s.parameters, s.statements + (s.content ? 1 : 0),
                s.firstWord == null ? "" : s.firstWord, s.returning, s.modifies);
    }

    private void run() throws SQLException {
        int n = in.length();
        while (pos < n) {
            char c = in.charAt(pos);
            if (c == '\'') {
                copyString(false);
            } else if (c == '"') {
                copyUntil(pos + 1, "\"", true);
            } else if (c == '-' && next(1) == '-') {
                int end = in.indexOf('\n', pos);
                copyTo(end < 0 ? n : end);
            } else if (c == '/' && next(1) == '*') {
                copyBlockComment();
            } else if (c == '$' && dollarTag() != null) {
                String tag = dollarTag();
                copyUntil(pos + tag.length(), tag, false);
            } else if (c == '?' && placeholders) {
                content = true;
                if (next(1) == '?') {
                    out.append('?');
                    pos += 2;
                } else {
                    out.append(parameter.apply(++parameters));
                    pos++;
                }
            } else if (c == '{' && escapes && startEscape()) {
                content = true;
            } else if (c == '}' && escapes && !closers.isEmpty()) {
                out.append(closers.pop());
                pos++;
            } else if (c == ';') {
                statements += content ? 1 : 0;
                content = false;
                out.append(c);
                pos++;
            } else if (Character.isLetter(c) || c == '_') {
                word();
            } else {
                content |= !Character.isWhitespace(c);
                out.append(c);
                pos++;
            }
        }
    }

    private char next(int ahead) {
        return pos + ahead < in.length() ? in.charAt(pos + ahead) : '\0';
    }

    private void copyTo(int end) {
        out.append(in, pos, end);
        pos = end;
    }

    private void word() {
        int start = pos;
        while (pos < in.length() && (Character.isLetterOrDigit(in.charAt(pos)) || in.charAt(pos) == '_'
                || in.charAt(pos) == '$')) {
            pos++;
        }
        String word = in.substring(start, pos);
        out.append(word);
        content = true;
        String lower = word.toLowerCase(Locale.ROOT);
        if (firstWord == null) {
            firstWord = lower;
        }
        returning |= lower.equals("returning");
        modifies |= DML.contains(lower);
        if (lower.equals("e") && pos < in.length() && in.charAt(pos) == '\'') {
            copyString(true);
        }
    }

    /** A string literal; in an E'...' string a backslash escapes the next character. */
    private void copyString(boolean backslashes) {
        content = true;
        int i = pos + 1;
        while (i < in.length()) {
            char c = in.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < in.length() && in.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    copyTo(i + 1);
                    return;
                }
            } else {
                i++;
            }
        }
        copyTo(in.length());
    }

    /** Copies through the next {@code end} at or after {@code from} (a doubled quote stays inside). */
    private void copyUntil(int from, String end, boolean doubling) {
        content = true;
        int i = from;
        for (;;) {
            int found = in.indexOf(end, i);
            if (found < 0) {
                copyTo(in.length());
                return;
            }
            if (doubling && found + 1 < in.length() && in.startsWith(end, found + 1)) {
                i = found + 2;
                continue;
            }
            copyTo(found + end.length());
            return;
        }
    }

    /** Block comments nest in PostgreSQL. */
    private void copyBlockComment() {
        int depth = 0;
        int i = pos;
        while (i < in.length()) {
            if (in.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (in.startsWith("*/", i)) {
                i += 2;
                if (--depth == 0) {
                    break;
                }
            } else {
                i++;
            }
        }
        copyTo(Math.min(i, in.length()));
    }

    /** The dollar-quote tag starting here ({@code $$}, {@code $body$}), or null ({@code $1}, or inside a name). */
    private String dollarTag() {
        if (pos > 0) {
            char before = in.charAt(pos - 1);
            if (Character.isLetterOrDigit(before) || before == '_' || before == '$') {
                return null;
            }
        }
        int i = pos + 1;
        if (i < in.length() && Character.isDigit(in.charAt(i))) {
            return null;
        }
        while (i < in.length() && (Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '_')) {
            i++;
        }
        return i < in.length() && in.charAt(i) == '$' ? in.substring(pos, i + 1) : null;
    }

    /** A JDBC escape at {@code pos}: writes its translation's start and remembers how it ends. */
    private boolean startEscape() throws SQLException {
        int i = pos + 1;
        while (i < in.length() && Character.isWhitespace(in.charAt(i))) i++;
        int start = i;
        while (i < in.length() && Character.isLetter(in.charAt(i))) i++;
        String keyword = in.substring(start, i).toLowerCase(Locale.ROOT);
        switch (keyword) {
            case "fn" -> {
                while (i < in.length() && Character.isWhitespace(in.charAt(i))) i++;
                int nameStart = i;
                while (i < in.length() && (Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '_')) i++;
                String fn = in.substring(nameStart, i).toLowerCase(Locale.ROOT);
                out.append(FUNCTIONS.getOrDefault(fn, in.substring(nameStart, i)));
                if (KEYWORD_FUNCTIONS.contains(fn)) {
                    int j = i;
                    while (j < in.length() && Character.isWhitespace(in.charAt(j))) j++;
                    if (in.startsWith("()", j)) {
                        i = j + 2;
                    }
                }
                closers.push("");
            }
            case "d" -> open("DATE", "");
            case "t" -> open("TIME", "");
            case "ts" -> open("TIMESTAMP", "");
            case "oj" -> {
                open("", "");
                while (i < in.length() && Character.isWhitespace(in.charAt(i))) i++;
            }
            case "escape" -> open("ESCAPE", "");
            case "limit" -> open("LIMIT", "");
            case "call" -> open("SELECT * FROM", " AS result");
            default -> {
                if (keyword.isEmpty() && i < in.length() && in.charAt(i) == '?') {
                    throw new SQLSyntaxErrorException("{? = call ...} needs a CallableStatement (prepareCall)",
                            "42601");
                }
                return false;
            }
        }
        pos = i;
        return true;
    }

    private void open(String replacement, String closer) {
        out.append(replacement);
        closers.push(closer);
    }
}
