package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.ProgrammingException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Merges arguments into a query client-side, as psycopg2 does: {@code %s} takes
 * the next positional argument, {@code %(name)s} a mapping's value, {@code %%}
 * is a literal {@code %}. Every argument goes through adaptation.
 */
public final class QueryFormatter {
    private QueryFormatter() {}

    /** What a placeholder is replaced with: one of the two styles refuses the other. */
    private interface Placeholders {
        String positional();

        /** Called at {@code %(}, before the name is read: the positional style refuses it here. */
        void expectNamed();

        String named(String name);
    }

    /** How a placeholder's value is written: (value, its 1-based parameter number) → text. */
    private interface Render {
        String render(Object value, int number);
    }

    /**
     * Merges positional arguments into a query, for {@code Cursor.execute(String, Object...)}.
     *
     * @param sql the query, with {@code %s} placeholders
     * @param args one argument per {@code %s}
     * @param conn the connection the literals are for, or null to assume UTF-8 and an unknown
     *     {@code standard_conforming_strings}
     * @return the query with the arguments' literals in place
     * @throws ProgrammingException if the arguments do not match the placeholders, or a placeholder is
     *     neither {@code %s} nor {@code %%}
     */
    public static String format(String sql, Object[] args, Connection conn) {
        return positional(sql, args, (v, n) -> quote(v, conn));
    }

    /**
     * Merges named arguments into a query, for {@code Cursor.execute(String, Map)}.
     *
     * @param sql the query, with {@code %(name)s} placeholders
     * @param args the arguments by name
     * @param conn the connection the literals are for, or null
     * @return the query with the arguments' literals in place
     * @throws ProgrammingException if a key is missing, or a placeholder is not {@code %(name)s} or {@code %%}
     */
    public static String format(String sql, Map<String, ?> args, Connection conn) {
        return named(sql, args, (v, n) -> quote(v, conn), null);
    }

    /**
     * A query for server-side parameters: the SQL with {@code $1, $2, ...} in place of its {@code count}
     * placeholders, and for {@code %(name)s} placeholders the name each {@code $n} stands for (null for
     * {@code %s}, where {@code $n} is the n-th argument). It depends on the SQL alone, so it can be kept.
     *
     * @param sql   the query with {@code $n} placeholders
     * @param count how many {@code $n} there are
     * @param names the name of each {@code $n}, in order, or null for positional placeholders
     */
    public record Parameterized(String sql, int count, java.util.List<String> names) {
        /**
         * The values of the parameters, in order, from a mapping with (at least) every name.
         *
         * @param args the arguments by name
         * @return the value of each {@code $n}, in order
         */
        public Object[] values(Map<String, ?> args) {
            Object[] values = new Object[names.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = args.get(names.get(i));
            }
            return values;
        }
    }

    /**
     * Turns {@code %s} placeholders into {@code $n} for server-side parameters; {@code %%} becomes {@code %}.
     *
     * @param sql the query, with {@code %s} placeholders
     * @param args one argument per {@code %s}
     * @return the rewritten query
     * @throws ProgrammingException if the arguments do not match the placeholders (as
     *     {@link #format(String, Object[], Connection)} raises)
     */
    public static Parameterized parameterize(String sql, Object[] args) {
        return new Parameterized(positional(sql, args, (v, n) -> "$" + n), args.length, null);
    }

    /**
     * Turns {@code %(name)s} placeholders into {@code $n}, one per distinct name.
     *
     * @param sql the query, with {@code %(name)s} placeholders
     * @param args the arguments by name; each name must be there
     * @return the rewritten query, with the name of each {@code $n}
     * @throws ProgrammingException if a key is missing
     */
    public static Parameterized parameterize(String sql, Map<String, ?> args) {
        java.util.LinkedHashMap<String, Integer> numbers = new java.util.LinkedHashMap<>();
        String out = named(sql, args, (v, n) -> "$" + n, numbers);
        return new Parameterized(out, numbers.size(), java.util.List.copyOf(numbers.keySet()));
    }

    private static String positional(String sql, Object[] args, Render render) {
        int[] next = {0};
        String out = scan(sql, 16 * args.length, new Placeholders() {
            public String positional() {
                if (next[0] >= args.length) {
                    throw new ProgrammingException("not enough arguments for the query: it has more %s placeholders than the "
                            + args.length + " argument(s) given");
                }
                int i = next[0]++;
                return render.render(args[i], i + 1);
            }

            public void expectNamed() {
                throw new ProgrammingException("the query uses %(name)s placeholders: pass the arguments as a Map");
            }

            public String named(String name) {
                throw new IllegalStateException("unreachable: expectNamed() refused");
            }
        });
        if (next[0] < args.length) {
            throw new ProgrammingException("not all arguments converted during query formatting: "
                    + args.length + " given, " + next[0] + " used" + otherPlaceholderHint(sql));
        }
        return out;
    }

    private static final java.util.regex.Pattern OTHER_PLACEHOLDERS = java.util.regex.Pattern.compile("\\?|\\$\\d");

    /** A hint when the query seems written for JDBC ({@code ?}) or for the server ({@code $1}). */
    private static String otherPlaceholderHint(String sql) {
        return OTHER_PLACEHOLDERS.matcher(sql).find()
                ? " (pgreen's placeholders are %s and %(name)s, as psycopg2's; ? and $1 are not placeholders here)"
                : "";
    }

    /** @param numbers when not null, gives each distinct name its parameter number, in order of appearance */
    private static String named(String sql, Map<String, ?> args, Render render, Map<String, Integer> numbers) {
        return scan(sql, 16 * args.size(), new Placeholders() {
            public String positional() {
                throw new ProgrammingException("the query uses %s placeholders: pass the arguments positionally, not as a Map");
            }

            public void expectNamed() {
            }

            public String named(String name) {
                if (!args.containsKey(name)) {
                    throw new ProgrammingException("query argument missing: no value for %(" + name + ")s");
                }
                int n = numbers == null ? 0 : numbers.computeIfAbsent(name, k -> numbers.size() + 1);
                return render.render(args.get(name), n);
            }
        });
    }

    /** Copies {@code sql}, replacing {@code %s}, {@code %(name)s} and {@code %%}. */
    private static String scan(String sql, int extra, Placeholders placeholders) {
        StringBuilder sb = new StringBuilder(sql.length() + extra);
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c != '%') {
                sb.append(c);
                i++;
                continue;
            }
            char spec = charAt(sql, i + 1);
            if (spec == '%') {
                sb.append('%');
                i += 2;
            } else if (spec == 's') {
                sb.append(placeholders.positional());
                i += 2;
            } else if (spec == '(') {
                placeholders.expectNamed();
                int close = sql.indexOf(')', i + 2);
                if (close < 0) {
                    throw new ProgrammingException("incomplete placeholder: '%(' without ')' at position " + i);
                }
                if (charAt(sql, close + 1) != 's') {
                    throw badPlaceholder(sql, close);
                }
                sb.append(placeholders.named(sql.substring(i + 2, close)));
                i = close + 2;
            } else {
                throw badPlaceholder(sql, i);
            }
        }
        return sb.toString();
    }

    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private static ProgrammingException badPlaceholder(String sql, int i) {
        int end = Math.min(sql.length(), i + 2);
        return new ProgrammingException("unsupported format character in the query at position " + i
                + ": '" + sql.substring(i, end) + "' (only %s, %(name)s and %% are supported)");
    }

    /**
     * The literal for one argument, adapted and prepared for the connection.
     *
     * @param arg the argument
     * @param conn the connection the literal is for, or null
     * @return the literal
     * @throws ProgrammingException if nothing adapts the argument
     */
    public static String quote(Object arg, Connection conn) {
        SqlQuote q = Adapters.adapt(arg);
        if (conn != null) {
            q.prepare(conn);
        }
        return new String(q.getQuoted(), StandardCharsets.UTF_8);
    }
}
