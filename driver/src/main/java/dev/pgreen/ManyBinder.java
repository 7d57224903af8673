package dev.pgreen;

import dev.pgreen.adapt.LiteralParameters;
import dev.pgreen.adapt.QueryFormatter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one executeMany that go bound on the server: consecutive rows whose parameters have the same
 * types share one Parse of the unnamed statement and are each only bound and executed. A row is bound only
 * when its SQL is {@link BindableSql}, each of its values a {@link LiteralParameters} parameter, and the server
 * took the statement with those parameter types ({@link Connection.Many#probe}, asked once per set of types,
 * at most {@link #PROBES} times); any other row is for the caller to format client-side, after the bound rows
 * queued before it are sent, so that the rows run in their order.
 */
final class ManyBinder {
    /** Bound rows per operation. */
    private static final int PAGE = 1000;
    /** Sets of parameter types asked about per executeMany (each costs a round trip); later ones are formatted. */
    static final int PROBES = 16;
    /**
     * Calls with fewer rows are formatted: the server is asked about the statement first (a round trip, and
     * a savepoint inside a transaction), which costs more than it saves on a few rows.
     */
    static final int MIN_ROWS = 16;

    private final Connection.Many many;
    private final String sql;
    private final BindableSql bindable;
    private final LiteralParameters literals;
    /** The server's answer for each set of parameter types asked about. */
    private final Map<String, Boolean> accepted = new HashMap<>();
    private int[] pageTypes;
    private List<byte[][]> page = new ArrayList<>();
    private long bound;
    private Object last;

    ManyBinder(Connection conn, Connection.Many many, String sql, boolean worthBinding) {
        this.many = many;
        this.sql = sql;
        this.bindable = worthBinding && many.canProbe() ? BindableSql.of(sql) : null;
        this.literals = bindable == null ? null : LiteralParameters.forConnection(conn);
    }

    /**
     * Queues the row of {@code args} to be bound; false when it is to be formatted client-side instead (the
     * rows queued before it are sent first).
     */
    boolean add(Object args) {
        if (bindable == null) {
            return false;
        }
        Object[] values = bindable.values(args);
        int[] types = values == null ? null : new int[values.length];
        byte[][] texts = values == null ? null : new byte[values.length][];
        for (int i = 0; types != null && i < types.length; i++) {
            types[i] = literals.bind(values[i], texts, i);
            if (types[i] == LiteralParameters.LITERAL_ONLY
                    || (bindable.castAfter().get(i) && LiteralParameters.isBareNegative(types[i], texts[i]))) {
                types = null;
            }
        }
        if (types == null) {
            flush();
            last = null;
            return false;
        }
        if (!Arrays.equals(types, pageTypes)) {
            flush();
            if (!accepted(types)) {
                last = null;
                return false;
            }
            pageTypes = types;
        }
        page.add(texts);
        bound++;
        last = args;
        if (page.size() == PAGE) {
            flush();
        }
        return true;
    }

    private boolean accepted(int[] types) {
        String key = Arrays.toString(types);
        Boolean answer = accepted.get(key);
        if (answer == null) {
            if (accepted.size() >= PROBES) {
                return false;
            }
            answer = many.probe(bindable.statement(), types);
            accepted.put(key, answer);
        }
        return answer;
    }

    /** Sends the queued rows. */
    void flush() {
        if (!page.isEmpty()) {
            List<byte[][]> rows = page;
            page = new ArrayList<>();
            many.sendBound(bindable.statement(), pageTypes, rows);
        }
    }

    /** Rows bound so far. */
    long bound() {
        return bound;
    }

    /**
     * The last row added, when it was bound: its values copied now (the caller may reuse the array), to
     * be formatted as {@link Cursor#query()} only if asked for.
     */
    LastRow lastRow() {
        return switch (last) {
            case Object[] a -> new LastRow(sql, a.clone(), bindable.statement());
            case List<?> l -> new LastRow(sql, l.toArray(), bindable.statement());
            case Map<?, ?> m -> new LastRow(sql, new LinkedHashMap<>(m), bindable.statement());
            case null, default -> null;
        };
    }

    /** psycopg2's {@code query} of a bound row: the statement as client-side formatting would have written it. */
    record LastRow(String sql, Object args, String statement) {
        /** The formatted statement; the {@code $n} one if the values no longer format (settings changed since). */
        @SuppressWarnings("unchecked")
        String format(Connection conn) {
            try {
                return args instanceof Object[] a ? QueryFormatter.format(sql, a, conn)
                        : QueryFormatter.format(sql, (Map<String, ?>) args, conn);
            } catch (RuntimeException e) {
                return statement;
            }
        }
    }
}
