package dev.pgreen.extras;

import dev.pgreen.Cursor;
import dev.pgreen.adapt.QueryFormatter;
import dev.pgreen.adapt.ServerParameters;
import dev.pgreen.errors.ProgrammingException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Fast bulk execution, psycopg2.extras' {@code execute_batch} and
 * {@code execute_values}: fewer round trips and, for VALUES, fewer statements
 * for the server to parse. Opt-in, because a multi-row INSERT fires
 * statement-level triggers once, not once per row.
 */
public final class Batches {
    private Batches() {}

    /**
     * Runs {@code sql} once per element of {@code argsList} (an {@code Object[]},
     * a {@code List} or a {@code Map}), {@code pageSize} statements per round
     * trip, each page one multi-statement query (in autocommit, a page commits or
     * fails as a whole). As in psycopg2, the cursor's rowCount afterwards is that
     * of the last statement only.
     *
     * @param cur the cursor the statements run on
     * @param sql the statement, with {@code %s} or {@code %(name)s} placeholders
     * @param argsList the arguments of each execution
     * @param pageSize statements per round trip, at least 1
     * @throws ProgrammingException if {@code pageSize} is not positive, an element is not an {@code Object[]},
     *     a {@code List} or a {@code Map}, or its arguments do not match the placeholders
     * @throws dev.pgreen.errors.PgException the server's error for the page that failed
     */
    public static void executeBatch(Cursor cur, String sql, Iterable<?> argsList, int pageSize) {
        requirePositive(pageSize);
        StringBuilder page = new StringBuilder();
        int inPage = 0;
        for (Object args : argsList) {
            // A newline ends any trailing "--" comment before the separator.
            page.append(format(cur, sql, args)).append("\n;\n");
            if (++inPage == pageSize) {
                run(cur, page);
                inPage = 0;
            }
        }
        if (inPage > 0) {
            run(cur, page);
        }
    }

    /**
     * Runs {@code sql}, whose one {@code %s} stands for a VALUES list, with
     * {@code pageSize} rows per statement: {@code executeValues(cur, "INSERT
     * INTO t (a, b) VALUES %s", rows, 1000)}. Each row is formatted with
     * {@code template} ({@code "(%s, %s)"}-style; null: one {@code %s} per
     * value). Returns the rows affected in all.
     *
     * <p>Where it can, a page travels as one prepared statement with its values
     * as server-side parameters (every full page is the same statement, planned
     * once per connection); a page with a row the server cannot take as a
     * parameter (a {@code Map} row, a {@code %(name)s} template, an array or a
     * value of a registered adapter) is formatted client-side, as psycopg2 does.
     *
     * @param cur the cursor the statements run on
     * @param sql the statement, with one {@code %s} for the VALUES list ({@code %%} for a literal {@code %})
     * @param argsList the rows: each an {@code Object[]}, a {@code List} or a {@code Map}
     * @param template how each row is written, such as {@code "(%s, %s, now())"}, or null
     * @param pageSize rows per statement, at least 1
     * @return the rows affected in all
     * @throws ProgrammingException if {@code pageSize} is not positive, {@code sql} has no single {@code %s},
     *     or a row does not match the template
     * @throws dev.pgreen.errors.PgException the server's error for the page that failed
     */
    public static long executeValues(Cursor cur, String sql, Iterable<?> argsList, String template, int pageSize) {
        requirePositive(pageSize);
        int at = valuesPlaceholder(sql);
        String head = sql.substring(0, at);
        String tail = sql.substring(at + 2);
        long total = 0;
        Iterator<?> rows = argsList.iterator();
        List<Object> page = new ArrayList<>(pageSize);
        while (rows.hasNext()) {
            page.clear();
            int values = 0;
            for (int n = 0; n < pageSize && rows.hasNext() && values < MAX_PARAMETERS / 2; n++) {
                Object row = rows.next();
                page.add(row);
                values += row instanceof Object[] a ? a.length : row instanceof List<?> l ? l.size() : 1;
            }
            total += bindable(page, template, values) ? runBound(cur, head, tail, page, template, values)
                    : runFormatted(cur, head, tail, page, template);
        }
        return total;
    }

    /** The protocol's limit on the parameters of one statement (a 16-bit count). */
    private static final int MAX_PARAMETERS = 65_535;

    private static boolean bindable(List<Object> page, String template, int values) {
        if (values > MAX_PARAMETERS || (template != null && template.contains("%("))) {
            return false;
        }
        for (Object row : page) {
            List<?> list = row instanceof Object[] a ? Arrays.asList(a) : row instanceof List<?> l ? l : null;
            if (list == null) {
                return false;
            }
            for (Object v : list) {
                if (!ServerParameters.canEncode(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long runBound(Cursor cur, String head, String tail, List<Object> page, String template, int values) {
        StringBuilder statement = new StringBuilder(head);
        Object[] args = new Object[values];
        int next = 0;
        for (int n = 0; n < page.size(); n++) {
            Object row = page.get(n);
            List<?> list = row instanceof Object[] a ? Arrays.asList(a) : (List<?>) row;
            if (n > 0) {
                statement.append(',');
            }
            statement.append(template != null ? template : defaultTemplate(row));
            for (Object v : list) {
                args[next++] = v;
            }
        }
        statement.append(tail);
        cur.executePrepared(statement.toString(), args);
        return Math.max(0, cur.rowCount());
    }

    private static long runFormatted(Cursor cur, String head, String tail, List<Object> page, String template) {
        StringBuilder statement = new StringBuilder(head.replace("%%", "%"));
        for (int n = 0; n < page.size(); n++) {
            Object row = page.get(n);
            if (n > 0) {
                statement.append(',');
            }
            statement.append(format(cur, template != null ? template : defaultTemplate(row), row));
        }
        statement.append(tail.replace("%%", "%"));
        return run(cur, statement);
    }

    /**
     * {@link #executeValues(Cursor, String, Iterable, String, int)} with psycopg2's defaults: no template, 100
     * rows per statement.
     *
     * @param cur the cursor the statements run on
     * @param sql the statement, with one {@code %s} for the VALUES list
     * @param argsList the rows
     * @return the rows affected in all
     * @throws ProgrammingException if {@code sql} has no single {@code %s}, or a row cannot be formatted
     * @throws dev.pgreen.errors.PgException the server's error for the page that failed
     */
    public static long executeValues(Cursor cur, String sql, Iterable<?> argsList) {
        return executeValues(cur, sql, argsList, null, 100);
    }

    private static int valuesPlaceholder(String sql) {
        int found = -1;
        for (int i = 0; i < sql.length() - 1; i++) {
            if (sql.charAt(i) != '%') {
                continue;
            }
            char next = sql.charAt(i + 1);
            if (next == 's') {
                if (found >= 0) {
                    throw new ProgrammingException("executeValues takes exactly one %s (the VALUES list): " + sql);
                }
                found = i;
            }
            i++; // skip the escaped or placeholder character
        }
        if (found < 0) {
            throw new ProgrammingException("executeValues needs one %s where the VALUES list goes: " + sql);
        }
        return found;
    }

    private static String defaultTemplate(Object row) {
        int n = switch (row) {
            case Object[] a -> a.length;
            case List<?> l -> l.size();
            case null, default -> throw new ProgrammingException(
                    "without a template, executeValues rows must be Object[] or List");
        };
        StringBuilder t = new StringBuilder("(");
        for (int i = 0; i < n; i++) {
            t.append(i == 0 ? "%s" : ",%s");
        }
        return t.append(')').toString();
    }

    @SuppressWarnings("unchecked")
    private static String format(Cursor cur, String sql, Object args) {
        return switch (args) {
            case Object[] a -> QueryFormatter.format(sql, a, cur.connection());
            case List<?> l -> QueryFormatter.format(sql, l.toArray(), cur.connection());
            case Map<?, ?> m -> QueryFormatter.format(sql, (Map<String, ?>) m, cur.connection());
            case null, default -> throw new ProgrammingException(
                    "batch arguments must be Object[], List or Map, not " + (args == null ? "null" : args.getClass().getName()));
        };
    }

    private static long run(Cursor cur, StringBuilder sql) {
        cur.execute(sql.toString());
        sql.setLength(0);
        return Math.max(0, cur.rowCount());
    }

    private static void requirePositive(int pageSize) {
        if (pageSize < 1) {
            throw new ProgrammingException("pageSize must be at least 1, not " + pageSize);
        }
    }
}
