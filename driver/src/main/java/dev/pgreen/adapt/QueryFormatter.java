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

    public static String format(String sql, Object[] args, Connection conn) {
        StringBuilder sb = new StringBuilder(sql.length() + 16 * args.length);
        int next = 0;
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
                if (next >= args.length) {
                    throw new ProgrammingException("not enough arguments for the query: it has more %s placeholders than the "
                            + args.length + " argument(s) given");
                }
                sb.append(quote(args[next++], conn));
                i += 2;
            } else if (spec == '(') {
                throw new ProgrammingException("the query uses %(name)s placeholders: pass the arguments as a Map");
            } else {
                throw badPlaceholder(sql, i);
            }
        }
        if (next < args.length) {
            throw new ProgrammingException("not all arguments converted during query formatting: "
                    + args.length + " given, " + next + " used");
        }
        return sb.toString();
    }

    public static String format(String sql, Map<String, ?> args, Connection conn) {
        StringBuilder sb = new StringBuilder(sql.length() + 16 * args.size());
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
            } else if (spec == '(') {
                int close = sql.indexOf(')', i + 2);
                if (close < 0) {
                    throw new ProgrammingException("incomplete placeholder: '%(' without ')' at position " + i);
                }
                if (charAt(sql, close + 1) != 's') {
                    throw badPlaceholder(sql, close);
                }
                String name = sql.substring(i + 2, close);
                if (!args.containsKey(name)) {
                    throw new ProgrammingException("query argument missing: no value for %(" + name + ")s");
                }
                sb.append(quote(args.get(name), conn));
                i = close + 2;
            } else if (spec == 's') {
                throw new ProgrammingException("the query uses %s placeholders: pass the arguments positionally, not as a Map");
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

    /** The literal for one argument, adapted and prepared for the connection. */
    public static String quote(Object arg, Connection conn) {
        SqlQuote q = Adapters.adapt(arg);
        if (conn != null) {
            q.prepare(conn);
        }
        return new String(q.getQuoted(), StandardCharsets.UTF_8);
    }
}
