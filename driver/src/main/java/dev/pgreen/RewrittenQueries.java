package dev.pgreen;

import dev.pgreen.adapt.QueryFormatter;
import dev.pgreen.adapt.QueryFormatter.Parameterized;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queries of {@code executePrepared} on one connection as rewritten for server-side parameters
 * ({@code %s} and {@code %(name)s} to {@code $n}), by the caller's SQL: a query run again is not scanned and
 * rebuilt again. A rewrite depends on the SQL alone; the arguments are only checked against it. Up to
 * {@link #LIMIT} queries; thread-safe, since cursors rewrite before they take the connection's lock.
 */
final class RewrittenQueries {
    static final int LIMIT = 256;

    private final Map<String, Parameterized> bySql = new ConcurrentHashMap<>();

    /** {@code sql} with {@code %s} placeholders, one per argument of {@code args}. */
    Parameterized positional(String sql, Object[] args) {
        Parameterized p = bySql.get(sql);
        if (p == null || p.names() != null || p.count() != args.length) {
            // Unknown, or of another form: the scan raises what does not fit.
            p = keep(sql, QueryFormatter.parameterize(sql, args));
        }
        return p;
    }

    /** {@code sql} with {@code %(name)s} placeholders, each of which {@code args} has. */
    Parameterized named(String sql, Map<String, ?> args) {
        Parameterized p = bySql.get(sql);
        if (p == null || p.names() == null || !hasAll(args, p.names())) {
            p = keep(sql, QueryFormatter.parameterize(sql, args));
        }
        return p;
    }

    private static boolean hasAll(Map<String, ?> args, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            if (!args.containsKey(names.get(i))) {
                return false;
            }
        }
        return true;
    }

    private Parameterized keep(String sql, Parameterized p) {
        if (bySql.size() < LIMIT) {
            bySql.put(sql, p);
        }
        return p;
    }

    void clear() {
        bySql.clear();
    }
}
