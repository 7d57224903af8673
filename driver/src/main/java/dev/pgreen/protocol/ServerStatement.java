package dev.pgreen.protocol;

import dev.pgreen.errors.DataException;
import dev.pgreen.protocol.BackendMessage.Field;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A statement prepared on the server under a name: its SQL, the parameter types it is parsed with, whether the
 * server has it now, and, once described, its result's columns.
 *
 * <p>A described statement whose plan the server revalidates (see {@link #describesOnce}) executes without a
 * Describe: the server checks at each Bind that the plan still returns the columns it was described with, and
 * fails the Bind with 0A000 ("cached plan must not change result type") when a table changed underneath.
 * {@link #stale()} then says it must be parsed again, which describes it again.
 *
 * <p>Not thread-safe: the connection's locks guard it (the operations that answer for it run under them).
 */
public final class ServerStatement {
    private final String name;
    private final byte[] encodedName;
    private final String sql;
    private final int[] types;
    private final boolean describesOnce;
    private State state = State.NEW;
    private boolean described;
    private List<Field> fields;
    /** The last result formats asked for in Bind and {@link #fields} as they make the rows arrive. */
    private short[] lastFormats;
    private List<Field> lastFormatted;

    private enum State {
        /** Not on the server yet: a Parse makes it. */
        NEW,
        /** Parsed, or its Parse is on its way. */
        PARSED,
        /** Lost or unusable on the server (26000, 0A000): closed, in case it is still there, and parsed again. */
        STALE
    }

    /** @param types the parameters' type OIDs for Parse, null or empty leaving them all to the server */
    public ServerStatement(String name, String sql, int[] types) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("the unnamed statement is not kept");
        }
        if (sql.indexOf('\0') >= 0) {
            // Refused before anything is written: a Parse failing half-way would leave a Close before it unanswered.
            throw new DataException("a query cannot contain NUL (0x00) characters: PostgreSQL text cannot hold them");
        }
        this.name = name;
        this.encodedName = name.getBytes(StandardCharsets.UTF_8);
        this.sql = sql;
        this.types = types == null || types.length == 0 ? null : types.clone();
        this.describesOnce = returnsCheckedColumns(sql);
    }

    public String name() {
        return name;
    }

    /** The name in UTF-8, for Bind: encoded once, not at every execution. */
    byte[] encodedName() {
        return encodedName;
    }

    public String sql() {
        return sql;
    }

    /** The parameter type OIDs it is parsed with, or null when the server infers them all. */
    public int[] types() {
        return types == null ? null : types.clone();
    }

    /** Whether it is the statement for {@code sql} parsed with {@code types} (null and empty alike). */
    public boolean isFor(String sql, int[] types) {
        return this.sql.equals(sql) && (types == null || types.length == 0 ? this.types == null
                : Arrays.equals(this.types, types));
    }

    /** Whether it needs a Parse before it can run: new, or stale. */
    public boolean needsParse() {
        return state != State.PARSED;
    }

    /** Whether its Parse must be preceded by a Close: the server may still hold it under its name. */
    boolean mayExist() {
        return state == State.STALE;
    }

    /** A Parse of it is on its way: statements sent after it may use it; its description comes again. */
    public void parsing() {
        state = State.PARSED;
        forgetDescription();
    }

    /** The server lost it or can no longer run its plan: the next use parses it again (under the same name). */
    public void stale() {
        state = State.STALE;
        forgetDescription();
    }

    /** Whether executions may go without a Describe once it is described; see the class comment. */
    boolean describesOnce() {
        return describesOnce;
    }

    /** Whether the server has described its result (see {@link #fields()}). */
    boolean isDescribed() {
        return described;
    }

    /** Its result's columns, null when it returns none or is not described. */
    List<Field> fields() {
        return fields;
    }

    /**
     * Its result's columns as a Bind with {@code formats} makes them arrive ({@link ResultFormats#apply}); the same
     * list while the formats stay the same, so a cursor knows the shape again.
     */
    List<Field> fields(short[] formats) {
        if (formats == null || fields == null) {
            return fields;
        }
        if (!Arrays.equals(formats, lastFormats)) {
            lastFormatted = ResultFormats.apply(fields, formats);
            lastFormats = formats.clone();
        }
        return lastFormatted;
    }

    void described(List<Field> fields) {
        this.fields = fields;
        this.described = true;
        lastFormats = null;
        lastFormatted = null;
    }

    private void forgetDescription() {
        described(null);
        described = false;
    }

    /**
     * Whether {@code sql} is a statement whose plan the server revalidates before each execution, comparing the
     * columns: a query or a DML statement. Utility statements are not checked (the columns of {@code FETCH} or
     * {@code EXECUTE} follow a cursor or a prepared statement that may have changed), so they are described at
     * every execution. Leading comments, white space and parentheses are skipped.
     */
    static boolean returnsCheckedColumns(String sql) {
        String keyword = firstKeyword(sql);
        for (String planned : PLANNED) {
            if (planned.equalsIgnoreCase(keyword)) {
                return true;
            }
        }
        return false;
    }

    /** The statement's first keyword (past comments, white space and parentheses), as written; may be empty. */
    static String firstKeyword(String sql) {
        int i = skipToStatement(sql);
        int end = i;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        return sql.substring(i, end);
    }

    private static final String[] PLANNED = {"SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "MERGE"};

    /** Where the first keyword starts, past white space, comments ({@code --}, nested {@code /* *}{@code /}) and {@code (}. */
    private static int skipToStatement(String sql) {
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int newline = sql.indexOf('\n', i);
                i = newline < 0 ? sql.length() : newline + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = blockCommentEnd(sql, i);
                i = end < 0 ? sql.length() : end;
            } else {
                break;
            }
        }
        return i;
    }

    /**
     * Where the block comment starting at {@code from} ends (past its {@code *}{@code /}); they nest in
     * PostgreSQL. -1 when it does not end.
     *
     * @param sql the SQL
     * @param from the index of the comment's {@code /}{@code *}
     * @return the index after the comment, or -1
     */
    public static int blockCommentEnd(String sql, int from) {
        int depth = 0;
        int i = from;
        do {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
            } else if (i < sql.length()) {
                i++;
            } else {
                return -1;
            }
        } while (depth > 0);
        return i;
    }

    @Override
    public String toString() {
        return name + ": " + sql;
    }
}
