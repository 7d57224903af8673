package dev.pgreen;

import dev.pgreen.protocol.ServerStatement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements prepared on one connection's session, by SQL text and parameter types (the same text with
 * other types is another statement on the server): up to {@link #LIMIT}, past which statements are parsed
 * unnamed at each execution. Each is named {@code pgreen_N}, N never reused within the connection.
 *
 * <p>Guarded by the connection's locks: the operations that report back on a statement run under them.
 */
final class PreparedStatements {
    static final int LIMIT = 256;

    /** By SQL text; more than one only when the same text was prepared with other parameter types. */
    private final Map<String, List<ServerStatement>> bySql = new HashMap<>();
    private int size;
    private int named;
    /** The session's count of everything dropped at once, as of the last {@link #forgetIfDropped}. */
    private int dropsSeen;

    /**
     * Forgets every statement when the session has dropped them all ({@code DEALLOCATE ALL}, {@code DISCARD ALL})
     * since the last call: {@code drops} is {@link dev.pgreen.protocol.ProtocolCore#statementsDropped()}.
     */
    void forgetIfDropped(int drops) {
        if (drops != dropsSeen) {
            dropsSeen = drops;
            clear();
        }
    }

    /** The statement for {@code sql} with {@code types} (null: all inferred by the server), or null. */
    ServerStatement get(String sql, int[] types) {
        List<ServerStatement> candidates = bySql.get(sql);
        if (candidates != null) {
            for (int i = 0; i < candidates.size(); i++) {
                ServerStatement s = candidates.get(i);
                if (s.isFor(sql, types)) {
                    return s;
                }
            }
        }
        return null;
    }

    /** A new statement for {@code sql} with {@code types}, kept; null when the cache is full. */
    ServerStatement add(String sql, int[] types) {
        if (size >= LIMIT) {
            return null;
        }
        ServerStatement s = new ServerStatement("pgreen_" + ++named, sql, types);
        bySql.computeIfAbsent(sql, k -> new ArrayList<>(1)).add(s);
        size++;
        return s;
    }

    /** Forgets {@code s} (when it is still kept): its Parse failed, so the server does not have it. */
    void remove(ServerStatement s) {
        List<ServerStatement> candidates = bySql.get(s.sql());
        if (candidates != null && candidates.remove(s)) {
            size--;
            if (candidates.isEmpty()) {
                bySql.remove(s.sql());
            }
        }
    }

    void clear() {
        bySql.clear();
        size = 0;
    }

    int size() {
        return size;
    }
}
