package dev.pgreen;

import dev.pgreen.protocol.ServerStatement;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An executeMany statement whose placeholders can become server-side parameters without changing what
 * psycopg2's client-side formatting means: {@link #of} reads the SQL the way the server's lexer will, and
 * refuses (null) wherever a {@code $n} could mean something else than the literal it replaces:
 * <ul>
 * <li>a placeholder inside a string, a quoted name, a comment or a dollar-quoted body;
 * <li>a placeholder glued to what the literal would merge with ({@code E%s}, {@code a%s}, {@code %s1},
 *     {@code '..'%s}, {@code %s.f}), or followed by a string, a subscript or a field ({@code $1[1]} is valid
 *     where {@code 'a'[1]} is not);
 * <li>a placeholder after {@code ORDER BY}, {@code GROUP BY} or {@code DISTINCT ON}, where a bare constant
 *     is a column number or an error;
 * <li>anything but one SELECT, INSERT, UPDATE, DELETE, WITH or VALUES statement (utility statements take
 *     no parameters; several statements cannot be prepared), {@code SELECT ... INTO}, a {@code $} of the
 *     user's own, a backslash in a plain string (its meaning hangs on {@code standard_conforming_strings}),
 *     and whatever {@code QueryFormatter} would refuse.
 * </ul>
 * Each placeholder, a repeated {@code %(name)s} too, is its own {@code $n}: each literal is typed in its own
 * context, so each parameter must be. The server still has the last word: see {@code Connection.Many.probe}.
 *
 * @param statement the SQL with {@code $1, $2...} and {@code %%} made {@code %}
 * @param count how many placeholders
 * @param names the name of each placeholder in order, null for {@code %s} placeholders
 * @param castAfter the placeholders followed by {@code ::} (or a comment): a negative number's literal
 *     would be cast before its minus applies
 */
record BindableSql(String statement, int count, List<String> names, BitSet castAfter) {
    private static final Set<String> STATEMENTS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES");
    /** What may stand right before a placeholder: nothing a literal or {@code $n} would merge with. */
    private static final String BEFORE = "(,[+-*/<>=~!@#%^|";
    /** What may follow it directly (white space aside); {@code :} only as {@code ::}. */
    private static final String AFTER = "),];+-*/<>=~!@#%^|:";

    /** {@code sql} rewritten for server-side parameters, or null when binding could change its meaning. */
    static BindableSql of(String sql) {
        return new Scan(sql).run();
    }

    /**
     * The values of the placeholders in order, from an element of executeMany; null when the element does not
     * fit (formatted client-side, it raises as it always did).
     */
    Object[] values(Object args) {
        if (names == null) {
            Object[] values = switch (args) {
                case Object[] a -> a;
                case List<?> l -> l.toArray();
                default -> null;
            };
            return values != null && values.length == count ? values : null;
        }
        if (!(args instanceof Map<?, ?> m)) {
            return null;
        }
        Object[] values = new Object[count];
        for (int i = 0; i < count; i++) {
            String name = names.get(i);
            if (!m.containsKey(name)) {
                return null;
            }
            values[i] = m.get(name);
        }
        return values;
    }

    /** One pass over the SQL, as the server's lexer splits it. */
    private static final class Scan {
        private final String in;
        private final StringBuilder out;
        private int pos;
        private int count;
        private List<String> names;
        private boolean positional;
        private final BitSet castAfter = new BitSet();
        private String firstWord;
        private String previousWord = "";
        /** After ORDER BY, GROUP BY or DISTINCT ON. */
        private boolean constantsArePositions;
        /** After a semicolon: only white space and comments may follow. */
        private boolean ended;

        Scan(String in) {
            this.in = in;
            this.out = new StringBuilder(in.length() + 8);
        }

        BindableSql run() {
            if (in.indexOf('\0') >= 0) {
                return null;
            }
            while (pos < in.length()) {
                if (!step()) {
                    return null;
                }
            }
            if (firstWord == null || !STATEMENTS.contains(firstWord)) {
                return null;
            }
            return new BindableSql(out.toString(), count, names == null ? null : List.copyOf(names), castAfter);
        }

        private char at(int i) {
            return i < in.length() ? in.charAt(i) : '\0';
        }

        /** One token or character; false to refuse the statement. */
        private boolean step() {
            char c = in.charAt(pos);
            if (c == '-' && at(pos + 1) == '-') {
                return lineComment();
            }
            if (c == '/' && at(pos + 1) == '*') {
                return blockComment();
            }
            if (Character.isWhitespace(c)) {
                out.append(c);
                pos++;
                return true;
            }
            if (ended || c == '\0') {
                return false;
            }
            if (c == '%') {
                return percent(true);
            }
            if (c == '\'') {
                return quoted('\'', false);
            }
            if (c == '"') {
                return quoted('"', false);
            }
            if (c == '$') {
                return dollarQuoted();
            }
            if (c == ';') {
                ended = true;
            } else if (Character.isLetter(c) || c == '_') {
                return word();
            } else if (Character.isDigit(c)) {
                while (Character.isLetterOrDigit(at(pos)) || at(pos) == '.' || at(pos) == '_') {
                    out.append(in.charAt(pos++));
                }
                return true;
            }
            out.append(c);
            pos++;
            return true;
        }

        /** {@code %%} anywhere; a placeholder only where {@code code} is true (not in a string or comment). */
        private boolean percent(boolean code) {
            char spec = at(pos + 1);
            if (spec == '%') {
                out.append('%');
                pos += 2;
                return true;
            }
            if (!code || ended || firstWord == null || constantsArePositions) {
                return false;
            }
            String name = null;
            int end;
            if (spec == 's') {
                end = pos + 2;
            } else if (spec == '(') {
                int close = in.indexOf(')', pos + 2);
                if (close < 0 || at(close + 1) != 's') {
                    return false;
                }
                name = in.substring(pos + 2, close);
                end = close + 2;
            } else {
                return false;
            }
            if (name == null ? names != null : positional) {
                return false; // both styles: QueryFormatter refuses it
            }
            char before = out.isEmpty() ? '\0' : out.charAt(out.length() - 1);
            char after = at(end);
            boolean afterOk = after == '\0' || Character.isWhitespace(after) || (AFTER.indexOf(after) >= 0
                    && (after != ':' || at(end + 1) == ':') && (after != '%' || at(end + 1) == '%'));
            if (!(Character.isWhitespace(before) || BEFORE.indexOf(before) >= 0) || !afterOk) {
                return false;
            }
            int next = end;
            while (Character.isWhitespace(at(next))) {
                next++;
            }
            char following = at(next);
            if (following == '\'' || following == '[' || following == '.') {
                return false;
            }
            if (following == ':' || (following == '-' && at(next + 1) == '-') || (following == '/' && at(next + 1) == '*')) {
                castAfter.set(count);
            }
            if (name == null) {
                positional = true;
            } else {
                if (names == null) {
                    names = new ArrayList<>();
                }
                names.add(name);
            }
            out.append('$').append(++count);
            pos = end;
            return true;
        }

        private boolean word() {
            int start = pos;
            while (Character.isLetterOrDigit(at(pos)) || at(pos) == '_' || at(pos) == '$') {
                pos++;
            }
            String word = in.substring(start, pos);
            out.append(word);
            String upper = word.toUpperCase(Locale.ROOT);
            if (at(pos) == '\'') {
                // E'...' reads backslash escapes; U&'...' and other prefixes are not worth the risk.
                return upper.equals("E") ? quoted('\'', true) : upper.equals("B") || upper.equals("X")
                        || upper.equals("N") ? quoted('\'', false) : false;
            }
            if (at(pos) == '&' && upper.equals("U")) {
                return false;
            }
            if (firstWord == null) {
                firstWord = upper;
            }
            if (upper.equals("INTO") && !previousWord.equals("INSERT")) {
                return false; // SELECT ... INTO creates a table: a utility statement
            }
            if ((upper.equals("BY") && (previousWord.equals("ORDER") || previousWord.equals("GROUP")))
                    || (upper.equals("ON") && previousWord.equals("DISTINCT"))) {
                constantsArePositions = true;
            }
            previousWord = upper;
            return true;
        }

        /** A string or a quoted name up to its closing quote (doubled quotes stay inside). */
        private boolean quoted(char quote, boolean escapes) {
            if (firstWord == null) {
                return false;
            }
            out.append(quote);
            pos++;
            while (pos < in.length()) {
                char c = in.charAt(pos);
                if (c == '%') {
                    if (!percent(false)) {
                        return false;
                    }
                } else if (c == '\\' && quote == '\'') {
                    if (!escapes || at(pos + 1) == '%') {
                        return false;
                    }
                    out.append(c).append(at(pos + 1));
                    pos += 2;
                } else if (c == quote && at(pos + 1) == quote) {
                    out.append(c).append(c);
                    pos += 2;
                } else {
                    out.append(c);
                    pos++;
                    if (c == quote) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** A dollar-quoted string ({@code $$...$$}, {@code $tag$...$tag$}); any other {@code $} refuses. */
        private boolean dollarQuoted() {
            int i = pos + 1;
            while (Character.isLetter(at(i)) || at(i) == '_' || (i > pos + 1 && Character.isDigit(at(i)))) {
                i++;
            }
            if (at(i) != '$' || firstWord == null) {
                return false;
            }
            String tag = in.substring(pos, i + 1);
            int close = in.indexOf(tag, i + 1);
            if (close < 0) {
                return false;
            }
            return copyText(close + tag.length());
        }

        private boolean lineComment() {
            int end = in.indexOf('\n', pos);
            return copyText(end < 0 ? in.length() : end);
        }

        private boolean blockComment() {
            int end = ServerStatement.blockCommentEnd(in, pos);
            return end >= 0 && copyText(end);
        }

        /** Copies a comment or a dollar-quoted body through {@code end}: {@code %%} made {@code %}, no placeholders. */
        private boolean copyText(int end) {
            while (pos < end) {
                if (in.charAt(pos) == '%') {
                    if (!percent(false)) {
                        return false;
                    }
                } else {
                    out.append(in.charAt(pos++));
                }
            }
            return true;
        }
    }
}
