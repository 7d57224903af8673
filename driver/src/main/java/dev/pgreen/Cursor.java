package dev.pgreen;

import dev.pgreen.adapt.QueryFormatter;
import dev.pgreen.adapt.ServerParameters;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.internal.Bridge;
import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.protocol.CopyOperation;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.QueryResult;
import dev.pgreen.protocol.ResultFormats;
import dev.pgreen.protocol.SimpleQueryOperation;
import dev.pgreen.typecast.BinaryResults;
import dev.pgreen.typecast.TypeRegistry;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A cursor (psycopg2's {@code cursor}): executes queries and fetches their
 * rows, typecast to Java objects as they are fetched. Not thread-safe.
 *
 * <p>A client-side cursor (no name) holds its whole result once {@code execute}
 * returns; a named cursor is a server-side cursor ({@code DECLARE}) from which
 * each fetch reads, {@link #iterSize()} rows per round trip when iterated.
 * Arguments are adapted with {@link Extensions#adapt(Object)} and spliced into
 * the SQL client-side, as psycopg2 does, except by the {@code executePrepared}
 * methods, which bind them on the server, and by {@link #executeMany}, which
 * binds them on the server where that cannot change what the statement means.
 * Subclass it to change what rows are
 * ({@link #newRow(Object[], Map)}) and hand the subclass's constructor to
 * {@link Connection#cursor(CursorFactory)} as a {@link CursorFactory}.
 */
public class Cursor implements AutoCloseable, Iterable<Row> {
    private final Connection conn;
    private final String name;
    private final TypeRegistry types = new TypeRegistry();
    private boolean closed;
    private int arraySize = 1;
    private int iterSize = 2000;
    private String query;
    /** executeMany's last row when it was bound: {@link #query} once asked for. */
    private ManyBinder.LastRow boundQuery;
    private long boundRows;
    private String statusMessage;
    private long rowCount = -1;
    private List<Field> fields;
    private List<DataRow> rows = List.of();
    private List<Column> description;
    private Typecaster[] casters;
    private Map<String, Integer> columnIndex;
    private int rowNumber;
    /** Named cursors: rows of the last FETCH already handed out. */
    private int buffered;
    private boolean declared;
    private boolean withHold;
    private Boolean scrollable;
    /** What this cursor sent into a pipeline, until it is answered and applied. */
    private Pipeline.Result pending;
    /** Builds rows instead of {@link #newRow(Object[], Map)}, when set (the JDBC layer's lazy text rows). */
    private Bridge.RowMaker rowMaker;
    /** The shape of the last result with columns, and its casters as of {@link TypeRegistry#changes()}. */
    private ResultShape shape;
    private Typecaster[] shapeCasters;
    private long shapeCastersAt;
    /** {@link #chooseFormats}, made once. */
    private final ResultFormats binaryWhereBuiltin = this::chooseFormats;
    /** The last formats chosen: for these fields, registrations, DateStyle and TimeZone (compared as objects). */
    private List<Field> formatsFields;
    private long formatsAt;
    private String formatsDateStyle;
    private String formatsTimeZone;
    private short[] formats;

    /**
     * A cursor on {@code conn}; usually made by {@link Connection#cursor()} or a {@link CursorFactory}.
     *
     * @param conn the connection it runs on
     * @param name the name of a server-side cursor ({@code DECLARE name CURSOR}), or null for a
     *     client-side cursor
     */
    public Cursor(Connection conn, String name) {
        this.conn = Objects.requireNonNull(conn, "conn");
        this.name = name;
    }

    // ---- executing ----

    /**
     * Executes a query with {@code %s} placeholders (psycopg2's {@code execute(sql, args)}); {@code %%} is a
     * literal {@code %}. With no arguments the SQL is sent as written and {@code %} is not interpreted.
     * Outside autocommit a transaction is opened first. Several statements may be sent at once; the cursor
     * shows the last one's result. On a named cursor it declares the server-side cursor.
     *
     * <p>Java's varargs spread an {@code Object[]}: pass an array as one argument as {@code (Object) array}
     * or as a {@code List}, and a single NULL as {@code (Object) null}.
     *
     * @param sql the query
     * @param args one argument per {@code %s}, adapted to SQL literals
     * @return this cursor, for fetching
     * @throws ProgrammingException if the arguments do not match the placeholders, the query is empty, or the
     *     server reports a programming error (a syntax error, an undefined table: SQLSTATE class 42...)
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, as the subclass of its SQLSTATE
     */
    public Cursor execute(String sql, Object... args) {
        ensureOpen();
        setQuery(null);
        String formatted = args == null || args.length == 0 ? sql : QueryFormatter.format(sql, args, conn);
        return executeFormatted(formatted);
    }

    /**
     * Executes a query with {@code %(name)s} placeholders (psycopg2's {@code execute(sql, dict)}).
     *
     * @param sql the query
     * @param args the arguments by name; null sends the SQL as written
     * @return this cursor, for fetching
     * @throws ProgrammingException if a {@code %(name)s} key is missing from {@code args}, the query is empty, or the
     *     server reports a programming error (a syntax error, an undefined table: SQLSTATE class 42...)
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, as the subclass of its SQLSTATE
     */
    public Cursor execute(String sql, Map<String, ?> args) {
        ensureOpen();
        setQuery(null);
        return executeFormatted(args == null ? sql : QueryFormatter.format(sql, args, conn));
    }

    private Cursor executeFormatted(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new ProgrammingException("can't execute an empty query");
        }
        if (sql.indexOf('\0') >= 0) {
            throw new dev.pgreen.errors.DataException(
                    "a query cannot contain NUL (0x00) characters: PostgreSQL text cannot hold them");
        }
        if (name != null) {
            return declare(sql);
        }
        reset();
        setQuery(sql);
        QueryResult result = conn.execute(sql, this);
        if (result != null) {
            setResult(result);
        }
        return this;
    }

    /**
     * Executes a query with {@code %s} placeholders as a server-side prepared
     * statement: the arguments travel as parameters (never spliced into the SQL),
     * and the server plans the statement once per connection and reuses the plan.
     * Faster than {@link #execute(String, Object...)} for statements run many
     * times; the server infers each parameter's type from its context, so a
     * placeholder can stand only where a value can (not for a column in ORDER BY).
     * {@link #query()} then shows the statement with {@code $1, $2...}. Once the statement is
     * described, the columns of built-in types read by their built-in casters come in the binary
     * format (the same values; a caster registered for a type still receives its text).
     *
     * @param sql the query, one statement
     * @param args one argument per {@code %s}, sent as a parameter
     * @return this cursor, for fetching
     * @throws ProgrammingException if the arguments do not match the placeholders, the query is empty, the cursor is named, or the
     *     server reports a programming error (a syntax error, an undefined table: SQLSTATE class 42...)
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, as the subclass of its SQLSTATE
     */
    public Cursor executePrepared(String sql, Object... args) {
        Object[] values = args == null ? NO_ARGS : args;
        return runPrepared(conn.rewrites().positional(sql, values).sql(), values);
    }

    /**
     * {@link #executePrepared(String, Object...)} with {@code %(name)s} placeholders.
     *
     * @param sql the query, one statement
     * @param args the arguments by name, each sent as a parameter
     * @return this cursor, for fetching
     * @throws ProgrammingException if a {@code %(name)s} key is missing from {@code args}, the query is empty, or the
     *     server reports a programming error (a syntax error, an undefined table: SQLSTATE class 42...)
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, as the subclass of its SQLSTATE
     */
    public Cursor executePrepared(String sql, Map<String, ?> args) {
        Map<String, ?> values = args == null ? Map.of() : args;
        QueryFormatter.Parameterized p = conn.rewrites().named(sql, values);
        return runPrepared(p.sql(), p.values(values));
    }

    private static final Object[] NO_ARGS = new Object[0];

    /** Runs {@code statement} (with {@code $n} placeholders) with {@code values}, encoded before anything is sent. */
    private Cursor runPrepared(String statement, Object[] values) {
        ensureOpen();
        if (name != null) {
            throw new ProgrammingException("can't call executePrepared() on named cursors: use execute()");
        }
        if (statement.isBlank()) {
            throw new ProgrammingException("can't execute an empty query");
        }
        byte[][] params = encode(values);
        reset();
        setQuery(statement);
        QueryResult result = conn.executePrepared(statement, params, this);
        if (result != null) {
            setResult(result);
        }
        return this;
    }

    /**
     * {@link #executeMany} as one server-side prepared statement: parsed once,
     * then executed for each element's parameters, all pipelined (1,000 per
     * page, like a JDBC batch: in autocommit each page commits or fails as a
     * whole, and the pages after a failure are skipped). Elements are
     * {@code Object[]}, {@code List} or {@code Map}. {@link #rowCount()} is the
     * rows affected in all. In an open {@link Pipeline} it goes into it.
     *
     * @param sql the statement, with {@code %s} or {@code %(name)s} placeholders
     * @param argsList the arguments of each execution
     * @throws ProgrammingException if an element is not an {@code Object[]}, a {@code List} or a {@code Map},
     *     or its arguments do not match the placeholders
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error for the first execution that failed
     */
    public void executeManyPrepared(String sql, Iterable<?> argsList) {
        ensureOpen();
        if (name != null) {
            throw new ProgrammingException("can't call executeManyPrepared() on named cursors");
        }
        conn.refuseInAsync("executeManyPrepared");
        reset();
        setQuery(null);
        String statement = null;
        try (Connection.Many many = conn.new Many(this, true)) {
            List<byte[][]> page = new ArrayList<>();
            for (Object args : argsList) {
                Object[] values = switch (args) {
                    case Object[] a -> a;
                    case List<?> l -> l.toArray();
                    case Map<?, ?> m -> null;
                    case null, default -> throw new ProgrammingException(
                            "executeManyPrepared arguments must be Object[], List or Map, not " + describe(args));
                };
                if (values != null) {
                    statement = conn.rewrites().positional(sql, values).sql();
                } else {
                    Map<String, ?> named = castMap((Map<?, ?>) args);
                    QueryFormatter.Parameterized p = conn.rewrites().named(sql, named);
                    statement = p.sql();
                    values = p.values(named);
                }
                page.add(encode(values));
                if (page.size() == BATCH_STATEMENTS) {
                    many.send(statement, page);
                    page = new ArrayList<>();
                }
            }
            if (!page.isEmpty()) {
                many.send(statement, page);
            }
            setQuery(statement);
            rowCount = many.finish();
        }
    }

    /** Server-side parameters as the server reads them (UTF-8 text, null for NULL). */
    private static byte[][] encode(Object[] values) {
        if (values.length == 0) {
            return NO_PARAMS;
        }
        byte[][] params = new byte[values.length][];
        for (int i = 0; i < params.length; i++) {
            params[i] = ServerParameters.encode(values[i]);
        }
        return params;
    }

    /** Executions of a prepared statement per page of executeManyPrepared. */
    private static final int BATCH_STATEMENTS = 1000;

    /**
     * Executes {@code sql} once per element: an {@code Object[]}, a {@code List}
     * or a {@code Map}, with psycopg2's semantics, all sent through a pipeline
     * (psycopg 3's way): no round trip per statement. Outside autocommit the
     * first error aborts the transaction; in autocommit each statement commits
     * on its own, so those before a failure stay committed and those after it
     * do not run. {@link #rowCount()} is the rows affected in all. In an open
     * {@link Pipeline} it goes into it, each element formatted client-side.
     *
     * <p>Otherwise, where binding on the server cannot change what the
     * statement means, the rows are bound instead of formatted: consecutive
     * rows whose parameters have the same types share one Parse, and the server
     * does not parse and plan each row anew. That takes one statement (SELECT,
     * INSERT, UPDATE, DELETE, WITH or VALUES) whose placeholders stand where a
     * value does (not in a string or a comment, nor after ORDER BY, GROUP BY or
     * DISTINCT ON), and values whose literal is simply a value of a type: null,
     * strings (untyped, as their quoted literal), numbers (typed as the server
     * types their literal: int4, int8 or numeric by size), booleans, UUIDs,
     * byte arrays and java.time values, each adapted by pgreen's own adapter;
     * and the server, asked once per set of parameter types (a round trip),
     * must accept the statement with them. Any other row is formatted
     * client-side, as it always was. A bound row's server error has the SQLSTATE
     * the formatted one would have had, though its message may differ (no
     * position in the statement); like any prepared statement, the unnamed one
     * may switch to a generic plan after five rows, which does not fold the
     * parameters into constants (an error the planner would have raised while
     * folding, such as a division by zero in a clause that selects no rows, is
     * then not raised). After it, {@link #query()} is the last row's statement
     * formatted as client-side formatting writes it, formatted when first asked
     * for. Calls with fewer than 16 rows are all formatted: asking the server
     * about the statement first costs a round trip, more than binding saves
     * on a few rows.
     *
     * @param sql the statement, with {@code %s} or {@code %(name)s} placeholders
     * @param argsList the arguments of each execution (psycopg2's {@code executemany(sql, seq)})
     * @throws ProgrammingException if an element is not an {@code Object[]}, a {@code List} or a {@code Map},
     *     or its arguments do not match the placeholders
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error for the first statement that failed
     */
    public void executeMany(String sql, Iterable<?> argsList) {
        executeMany(sql, argsList, ManyBinder.MIN_ROWS);
    }

    /**
     * {@link #executeMany(String, Iterable)}, binding on the server only when there are at least
     * {@code bindFrom} rows (tests bind from the first).
     */
    void executeMany(String sql, Iterable<?> argsList, int bindFrom) {
        ensureOpen();
        if (name != null) {
            throw new ProgrammingException("can't call executeMany() on named cursors");
        }
        conn.refuseInAsync("executeMany");
        reset();
        setQuery(null);
        boundRows = 0;
        ManyBinder binder = null;
        try (Connection.Many many = conn.new Many(this, false)) {
            Iterator<?> rest = argsList.iterator();
            List<Object> first = new ArrayList<>();
            RuntimeException unread = null;
            try {
                while (first.size() < bindFrom && rest.hasNext()) {
                    first.add(rest.next());
                }
            } catch (RuntimeException e) {
                // The rows read before it still run, as they would have without the read-ahead.
                unread = e;
                rest = java.util.Collections.emptyIterator();
            }
            binder = new ManyBinder(conn, many, sql, unread == null && first.size() >= bindFrom);
            try {
                for (Iterator<?> it = first.iterator(); it.hasNext() || rest.hasNext(); ) {
                    Object args = it.hasNext() ? it.next() : rest.next();
                    if (args instanceof Map<?, ?> m) {
                        castMap(m);
                    } else if (!(args instanceof Object[] || args instanceof List<?>)) {
                        throw new ProgrammingException("executeMany arguments must be Object[], List or Map, not "
                                + describe(args));
                    }
                    if (binder.add(args)) {
                        continue;
                    }
                    String statement = switch (args) {
                        case Object[] a -> QueryFormatter.format(sql, a, conn);
                        case List<?> l -> QueryFormatter.format(sql, l.toArray(), conn);
                        default -> QueryFormatter.format(sql, castMap((Map<?, ?>) args), conn);
                    };
                    setQuery(statement);
                    many.send(statement, List.<byte[][]>of(NO_PARAMS));
                }
                if (unread != null) {
                    throw unread;
                }
            } catch (RuntimeException e) {
                // A bad element (or the Iterable's own failure) ends the call, but the rows before it run, as
                // each row went out when it was read before rows were bound: closing syncs what was sent.
                try {
                    binder.flush();
                } catch (RuntimeException flushFailed) {
                    e.addSuppressed(flushFailed);
                }
                throw e;
            }
            binder.flush();
            // As psycopg2: no result set afterwards, and the affected rows summed.
            rowCount = many.finish();
        } finally {
            if (binder != null) {
                boundRows = binder.bound();
                ManyBinder.LastRow last = binder.lastRow();
                if (last != null) {
                    boundQuery = last;
                }
            }
        }
    }

    /** Rows the last executeMany bound on the server rather than formatted (for tests). */
    long boundRows() {
        return boundRows;
    }

    private static final byte[][] NO_PARAMS = new byte[0][];

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castMap(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw new ProgrammingException("executeMany Map arguments must have String keys, not " + describe(k));
            }
        }
        return (Map<String, ?>) m;
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    /**
     * Calls a function (psycopg2's {@code callproc}): {@code SELECT * FROM name(args...)}; its result is
     * fetched as a query's. {@code procName} is put into the SQL as written (it may be schema-qualified).
     *
     * @param procName the function's name
     * @param args its arguments, adapted as {@link #execute(String, Object...)} adapts them
     * @return this cursor, for fetching
     * @throws ProgrammingException on a named cursor, or as the server reports (an undefined function, 42883)
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, as the subclass of its SQLSTATE
     */
    public Cursor callProc(String procName, Object... args) {
        ensureOpen();
        if (name != null) {
            throw new ProgrammingException("can't call callProc() on named cursors");
        }
        setQuery(null);
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(procName).append('(');
        int n = args == null ? 0 : args.length;
        for (int i = 0; i < n; i++) {
            sql.append(i == 0 ? "%s" : ",%s");
        }
        sql.append(')');
        String formatted = n == 0 ? sql.toString() : QueryFormatter.format(sql.toString(), args, conn);
        return executeFormatted(formatted);
    }

    /**
     * Calls a function with named arguments:
     * {@code SELECT * FROM name("key" := value, ...)}, as psycopg2's {@code callproc} with a dict.
     *
     * @param procName the function's name
     * @param args its arguments by parameter name
     * @return this cursor, for fetching
     * @throws ProgrammingException on a named cursor, or as the server reports (an undefined function, 42883)
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, as the subclass of its SQLSTATE
     */
    public Cursor callProc(String procName, Map<String, ?> args) {
        ensureOpen();
        if (name != null) {
            throw new ProgrammingException("can't call callProc() on named cursors");
        }
        setQuery(null);
        if (args == null || args.isEmpty()) {
            return executeFormatted("SELECT * FROM " + procName + "()");
        }
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(procName.replace("%", "%%")).append('(');
        Object[] values = new Object[args.size()];
        int i = 0;
        for (Map.Entry<String, ?> e : args.entrySet()) {
            if (e.getKey() == null) {
                throw new ProgrammingException("callProc argument names cannot be null");
            }
            sql.append(i == 0 ? "" : ",").append(Identifiers.quote(e.getKey()).replace("%", "%%")).append(":=%s");
            values[i++] = e.getValue();
        }
        sql.append(')');
        return executeFormatted(QueryFormatter.format(sql.toString(), values, conn));
    }

    /**
     * The query {@link #execute(String, Object...)} would send (psycopg2's {@code mogrify}); nothing is sent.
     *
     * @param sql the query, with {@code %s} placeholders
     * @param args one argument per {@code %s}
     * @return the query with the arguments' SQL literals in place
     * @throws ProgrammingException if the arguments do not match the placeholders
     * @throws InterfaceException if the cursor or its connection is closed
     */
    public String mogrify(String sql, Object... args) {
        ensureOpen();
        return args == null || args.length == 0 ? sql : QueryFormatter.format(sql, args, conn);
    }

    /**
     * The query {@link #execute(String, Map)} would send; nothing is sent.
     *
     * @param sql the query, with {@code %(name)s} placeholders
     * @param args the arguments by name; null returns {@code sql} as it is
     * @return the query with the arguments' SQL literals in place
     * @throws ProgrammingException if a {@code %(name)s} key is missing from {@code args}
     * @throws InterfaceException if the cursor or its connection is closed
     */
    public String mogrify(String sql, Map<String, ?> args) {
        ensureOpen();
        return args == null ? sql : QueryFormatter.format(sql, args, conn);
    }

    private void reset() {
        pending = null;
        fields = null;
        rows = List.of();
        description = null;
        casters = null;
        columnIndex = null;
        rowNumber = 0;
        rowCount = -1;
        statusMessage = null;
    }

    private void setResult(QueryResult result) {
        statusMessage = result.commandTag();
        rows = result.rows();
        rowCount = result.fields() != null ? rows.size() : result.rowCount();
        describe(result.fields());
    }

    /** Takes the columns of a result (null: none), with the casters its rows decode with. */
    void describe(List<Field> fields) {
        this.fields = fields;
        if (fields == null) {
            return;
        }
        ResultShape s = shape;
        if (s == null || s.fields() != fields) {
            // A prepared statement hands out the same fields each time: only another one needs the lookup.
            s = conn.resultShape(fields);
        }
        long registrations = TypeRegistry.changes();
        if (s != shape || registrations != shapeCastersAt) {
            Typecaster[] c = new Typecaster[fields.size()];
            for (int i = 0; i < c.length; i++) {
                Field f = fields.get(i);
                // A binary column was asked for because the built-in caster would read it: it reads the binary.
                c[i] = f.format() == ResultFormats.BINARY ? BinaryResults.reader(f.typeOid())
                        : Extensions.lookup(f.typeOid(), this);
            }
            // Never changed in place: rows of an earlier result may still cast lazily with the old array.
            shapeCasters = c;
            shapeCastersAt = registrations;
            shape = s;
        }
        casters = shapeCasters;
        description = s.description();
        columnIndex = s.columnIndex();
    }

    /**
     * How this cursor wants a result's columns when they are known before Bind ({@code executePrepared} of a
     * described statement, {@code stream}): in binary where {@link BinaryResults#wanted} says so; null when its
     * rows keep the server's text (the JDBC layer's), so all stay text.
     */
    ResultFormats resultFormats() {
        return rowMaker == null ? binaryWhereBuiltin : null;
    }

    /** Binary for each column whose caster here is the built-in one with an equal binary reading; else null. */
    private short[] chooseFormats(List<Field> fields) {
        Map<String, String> session = conn.sessionParameters();
        String dateStyle = session.get("DateStyle");
        String timeZone = session.get("TimeZone");
        long registrations = TypeRegistry.changes();
        if (fields == formatsFields && registrations == formatsAt && dateStyle == formatsDateStyle
                && timeZone == formatsTimeZone) {
            return formats;
        }
        short[] chosen = null;
        for (int i = 0; i < fields.size(); i++) {
            int oid = fields.get(i).typeOid();
            if (BinaryResults.wanted(oid, Extensions.lookup(oid, this), session)) {
                if (chosen == null) chosen = new short[fields.size()];
                chosen[i] = ResultFormats.BINARY;
            }
        }
        formatsFields = fields;
        formatsAt = registrations;
        formatsDateStyle = dateStyle;
        formatsTimeZone = timeZone;
        formats = chosen;
        return chosen;
    }

    /** Called by the connection when it sent this cursor's statements into a pipeline. */
    void pend(Pipeline.Result result) {
        pending = result;
    }

    /**
     * Applies what this cursor sent into a pipeline, syncing the pipeline
     * first when it is not answered yet; raises the statement's error.
     */
    private void resolve() {
        Pipeline.Result r = pending;
        if (r == null) {
            return;
        }
        conn.awaitPipelined(r);
        pending = null;
        PgException e = r.takeError();
        if (e != null) {
            throw e;
        }
        QueryResult result = r.result();
        if (result != null) {
            setResult(result);
        } else {
            rowCount = r.rowCount();
        }
    }

    /** Called by the connection when an asynchronous query completes. */
    void finishAsync(SimpleQueryOperation op) {
        QueryResult result = op.result();
        if (result != null) {
            setResult(result);
        }
    }

    // ---- named (server-side) cursors ----

    /**
     * DECLAREs the server-side cursor. A FETCH of no rows rides in the same
     * round trip so that {@link #description()} is known at once.
     */
    private Cursor declare(String sql) {
        if (declared) {
            throw new ProgrammingException("can't call execute() on named cursors more than once");
        }
        if (conn.isAutocommit() && !withHold) {
            throw new ProgrammingException("can't use a named cursor outside of transactions: "
                    + "turn autocommit off or setWithHold(true)");
        }
        reset();
        String quoted = Identifiers.quote(name);
        String scroll = scrollable == null ? "" : scrollable ? "SCROLL " : "NO SCROLL ";
        setQuery("DECLARE " + quoted + " " + scroll + "CURSOR " + (withHold ? "WITH HOLD" : "WITHOUT HOLD")
                + " FOR " + sql);
        try {
            setResult(conn.execute(query + "; FETCH FORWARD 0 FROM " + quoted, this));
        } catch (dev.pgreen.errors.DatabaseException e) {
            throw dev.pgreen.protocol.ServerErrors.shiftPosition(e, query.length() - sql.length());
        }
        declared = true;
        rowCount = -1;
        return this;
    }

    /** Takes up to {@code n} rows (Long.MAX_VALUE: all) from the buffer, then from the server. */
    private List<Row> takeNamed(long n) {
        List<Row> out = new ArrayList<>();
        drainBuffer(out, n);
        if (out.size() < n) {
            long need = n - out.size();
            fetchBatch(need >= Integer.MAX_VALUE ? "ALL" : Long.toString(need));
            drainBuffer(out, n);
        }
        return out;
    }

    private void drainBuffer(List<Row> out, long n) {
        if (out instanceof ArrayList<Row> list) {
            // Room for what this batch gives at once, not grown step by step (a JDBC fetch size of 5,000 rows).
            list.ensureCapacity(out.size() + (int) Math.min(n - out.size(), rows.size() - buffered));
        }
        while (out.size() < n && buffered < rows.size()) {
            out.add(makeRow(rows.get(buffered++)));
            rowNumber++;
        }
    }

    /** FETCH, MOVE and CLOSE of a WITH HOLD cursor do not open a transaction, as in psycopg2. */
    private QueryResult executeNamed(String sql) {
        return withHold ? conn.executeWithoutBegin(sql, this) : conn.execute(sql, this);
    }

    private void fetchBatch(String count) {
        QueryResult result = executeNamed("FETCH FORWARD " + count + " FROM " + Identifiers.quote(name));
        rows = result.rows();
        buffered = 0;
        rowCount = result.rowCount();
    }

    private void requireDeclared() {
        ensureOpen();
        if (!declared) {
            TransactionStatus status = conn.transactionStatus();
            if (status == TransactionStatus.INTRANS
                    || (status == TransactionStatus.IDLE && conn.isAutocommit())) {
                // As psycopg2: a named cursor fetches from a server cursor of that name declared
                // elsewhere (DECLARE in SQL, a refcursor returned by a function).
                setResult(conn.execute("FETCH FORWARD 0 FROM " + Identifiers.quote(name), this));
                declared = true;
                rowCount = -1;
                return;
            }
            throw new ProgrammingException("no results to fetch: the named cursor has not been executed");
        }
    }

    /**
     * Whether the named cursor survives the transaction that declared it ({@code DECLARE ... WITH HOLD},
     * psycopg2's {@code withhold}). Set it before {@code execute}.
     *
     * @param withHold true to declare the cursor WITH HOLD
     * @throws ProgrammingException on a client-side cursor (when true), or after the cursor was executed
     */
    public void setWithHold(boolean withHold) {
        if (withHold && name == null) {
            throw new ProgrammingException("trying to set withHold on an unnamed cursor");
        }
        refuseAfterDeclare("withHold");
        this.withHold = withHold;
    }

    /**
     * Whether the named cursor is declared WITH HOLD.
     *
     * @return what {@link #setWithHold} set; false by default
     */
    public boolean isWithHold() {
        return withHold;
    }

    /**
     * Whether the named cursor is declared {@code SCROLL} (psycopg2's {@code scrollable}). Set it before
     * {@code execute}.
     *
     * @param scrollable true for SCROLL, false for NO SCROLL, null for the server's default
     * @throws ProgrammingException on a client-side cursor (when not null), or after the cursor was executed
     */
    public void setScrollable(Boolean scrollable) {
        if (scrollable != null && name == null) {
            throw new ProgrammingException("trying to set scrollable on an unnamed cursor");
        }
        refuseAfterDeclare("scrollable");
        this.scrollable = scrollable;
    }

    /**
     * How the named cursor is declared.
     *
     * @return true for SCROLL, false for NO SCROLL, null for the server's default
     */
    public Boolean scrollable() {
        return scrollable;
    }

    private void refuseAfterDeclare(String what) {
        if (declared) {
            throw new ProgrammingException("can't set " + what + " after the named cursor was executed");
        }
    }

    // ---- fetching ----

    private void ensureResult() {
        ensureOpen();
        resolve();
        // Only this cursor's own query: another cursor's results, already in memory, do not wait for it.
        if (conn.isAsync() && conn.isExecutingFor(this)) {
            throw new ProgrammingException("the asynchronous query is still in progress: poll() until OK first");
        }
        if (fields == null) {
            throw new ProgrammingException("no results to fetch");
        }
    }

    Row makeRow(DataRow raw) {
        if (rowMaker != null) {
            return rowMaker.make(raw, casters, columnIndex);
        }
        // Every value cast at once, from the row's bytes: the built-ins parse them in place, other
        // casters get the String.
        Object[] values = new Object[casters.length];
        byte[] body = raw.body();
        for (int i = 0; i < values.length; i++) {
            values[i] = casters[i].cast(body, raw.start(i), raw.length(i), this);
        }
        return newRow(values, columnIndex);
    }

    /** Rows kept as the server sent them, cast lazily (the JDBC layer's): see {@link Bridge.CursorAccess}. */
    void setRowMaker(Bridge.RowMaker rows) {
        this.rowMaker = rows;
    }

    /**
     * Builds each fetched row from its values; a subclass may return a richer row type.
     *
     * @param values the row's values, already typecast, in column order
     * @param columnIndex column name to its first position, shared by every row of the result
     * @return the row the fetch methods return
     */
    protected Row newRow(Object[] values, Map<String, Integer> columnIndex) {
        return new Row(values, columnIndex);
    }

    /**
     * The next row of the result (psycopg2's {@code fetchone}).
     *
     * @return the row, or null when there are no more
     * @throws ProgrammingException when there is no result to fetch (no query, or one that returns no rows),
     *     or while an asynchronous query is in progress
     * @throws InterfaceException if the cursor or its connection is closed
     */
    public Row fetchOne() {
        if (name != null) {
            requireDeclared();
            List<Row> one = takeNamed(1);
            return one.isEmpty() ? null : one.getFirst();
        }
        ensureResult();
        if (rowNumber >= rows.size()) {
            return null;
        }
        return makeRow(rows.get(rowNumber++));
    }

    /**
     * The next {@link #arraySize()} rows (psycopg2's {@code fetchmany()}).
     *
     * @return the rows; fewer, or none, at the end of the result
     * @throws ProgrammingException when there is no result to fetch
     * @throws InterfaceException if the cursor or its connection is closed
     */
    public List<Row> fetchMany() {
        return fetchMany(arraySize);
    }

    /**
     * The next {@code n} rows (psycopg2's {@code fetchmany(size)}).
     *
     * @param n how many rows at most; 0 or less fetches none
     * @return the rows; fewer, or none, at the end of the result
     * @throws ProgrammingException when there is no result to fetch
     * @throws InterfaceException if the cursor or its connection is closed
     */
    public List<Row> fetchMany(int n) {
        if (name != null) {
            requireDeclared();
            return takeNamed(Math.max(0, n));
        }
        ensureResult();
        int end = (int) Math.min(rows.size(), (long) rowNumber + Math.max(0, n));
        List<Row> out = new ArrayList<>(end - rowNumber);
        while (rowNumber < end) {
            out.add(makeRow(rows.get(rowNumber++)));
        }
        return out;
    }

    /**
     * The remaining rows (psycopg2's {@code fetchall}).
     *
     * @return the rows; none at the end of the result
     * @throws ProgrammingException when there is no result to fetch
     * @throws InterfaceException if the cursor or its connection is closed
     */
    public List<Row> fetchAll() {
        return fetchMany(Integer.MAX_VALUE);
    }

    // ---- streaming ----

    /**
     * Runs a query and returns its rows as the server sends them (psycopg 3's
     * {@code stream}): in bounded memory, with no server-side cursor and no
     * transaction needed (outside autocommit a transaction is opened, as for
     * {@code execute}). Close the stream (try-with-resources) to stop early: the
     * statement is then cancelled on the server and the connection is usable
     * afterwards (inside a transaction, the transaction has failed). While it
     * is open, another command on the connection raises {@link ProgrammingException}.
     * A server error is raised when the stream reaches it.
     *
     * <p>A single query is described first (one round trip more), so that the columns of built-in
     * types read by their built-in casters come in the binary format, which costs the server less to
     * write; the rows are the same, and a caster registered for a type still receives its text.
     *
     * @param sql the query, with {@code %s} placeholders
     * @param args one argument per {@code %s}
     * @return the rows, read as the stream is consumed; close it
     * @throws ProgrammingException on a named cursor, an empty query, or arguments that do not match
     * @throws InterfaceException if the cursor or its connection is closed
     */
    public java.util.stream.Stream<Row> stream(String sql, Object... args) {
        ensureOpen();
        return streamFormatted(args == null || args.length == 0 ? sql : QueryFormatter.format(sql, args, conn));
    }

    /**
     * {@link #stream(String, Object...)} with {@code %(name)s} placeholders.
     *
     * @param sql the query, with {@code %(name)s} placeholders
     * @param args the arguments by name
     * @return the rows, read as the stream is consumed; close it
     * @throws ProgrammingException on a named cursor, an empty query, or a missing key
     * @throws InterfaceException if the cursor or its connection is closed
     */
    public java.util.stream.Stream<Row> stream(String sql, Map<String, ?> args) {
        ensureOpen();
        return streamFormatted(args == null ? sql : QueryFormatter.format(sql, args, conn));
    }

    private java.util.stream.Stream<Row> streamFormatted(String sql) {
        if (name != null) {
            throw new ProgrammingException("can't stream from a named cursor: iterate it instead");
        }
        if (sql == null || sql.isBlank()) {
            throw new ProgrammingException("can't execute an empty query");
        }
        reset();
        setQuery(sql);
        return RowStream.open(this, conn, sql);
    }

    /** Called by a stream at its end. */
    void streamEnded(String commandTag, long rows) {
        statusMessage = commandTag;
        rowCount = rows;
    }

    /**
     * The remaining rows, one at a time: a client-side cursor hands out the rows it holds, a named cursor
     * fetches {@link #iterSize()} rows per round trip.
     *
     * @return an iterator over the rows; {@code next()} raises as {@link #fetchOne()} does
     */
    @Override
    public Iterator<Row> iterator() {
        if (name != null) {
            requireDeclared();
            return namedIterator();
        }
        ensureResult();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rowNumber < rows.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return fetchOne();
            }
        };
    }

    /** Fetches {@link #iterSize()} rows per round trip. */
    private Iterator<Row> namedIterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (buffered < rows.size()) {
                    return true;
                }
                fetchBatch(Integer.toString(Math.max(1, iterSize)));
                return buffered < rows.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                rowNumber++;
                return makeRow(rows.get(buffered++));
            }
        };
    }

    /**
     * Moves the position by {@code value} rows, psycopg2's default mode.
     *
     * @param value rows to move, negative to go back
     * @throws ProgrammingException if the destination is outside the result (client-side cursor)
     */
    public void scroll(int value) {
        scroll(value, ScrollMode.RELATIVE);
    }

    /**
     * Moves the position in the result (psycopg2's {@code scroll(value, mode)}); a named cursor moves on
     * the server ({@code MOVE}), which needs a SCROLL cursor to go back.
     *
     * @param value rows to move ({@link ScrollMode#RELATIVE}) or the row to move to ({@link ScrollMode#ABSOLUTE})
     * @param mode how {@code value} counts
     * @throws ProgrammingException if the destination is outside the result (client-side cursor), or the
     *     server refuses the move (named cursor)
     */
    public void scroll(int value, ScrollMode mode) {
        if (name != null) {
            requireDeclared();
            // The server's position is past the rows still buffered here.
            long ahead = rows.size() - buffered;
            String move = mode == ScrollMode.ABSOLUTE ? "MOVE ABSOLUTE " + value
                    : "MOVE " + (value - ahead);
            executeNamed(move + " FROM " + Identifiers.quote(name));
            rows = List.of();
            buffered = 0;
            rowNumber = mode == ScrollMode.ABSOLUTE ? value : rowNumber + value;
            return;
        }
        ensureResult();
        long target = mode == ScrollMode.ABSOLUTE ? value : (long) rowNumber + value;
        if (target < 0 || target >= rows.size()) {
            throw new ProgrammingException("scroll destination out of bounds: " + target + " not in [0, "
                    + rows.size() + ")");
        }
        rowNumber = (int) target;
    }

    // ---- for subclasses that run statements as JDBC does (dev.pgreen.jdbc) ----

    /**
     * Executes a statement written with {@code $1, $2...}, its parameters bound on the server as UTF-8 text
     * (null for NULL), each declared of the type with that OID in {@code types} (0, or a null array: left to
     * the server). With {@code prepare} the statement stays prepared on the connection, as
     * {@link #executePrepared(String, Object...)} keeps it; without, one not prepared yet is parsed unnamed.
     *
     * @param sql one statement with {@code $n} placeholders
     * @param params each parameter's text in UTF-8, or null for NULL
     * @param types each parameter's type OID (0: inferred), or null to let the server infer them all
     * @param prepare whether the statement stays prepared on the connection
     * @return this cursor, for fetching
     * @throws ProgrammingException on a named cursor, or as the server reports
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, as the subclass of its SQLSTATE
     */
    protected final Cursor executeBound(String sql, byte[][] params, int[] types, boolean prepare) {
        ensureOpen();
        requireUnnamed("executeBound");
        reset();
        setQuery(sql);
        setResult(conn.executePrepared(sql, params, types, prepare));
        return this;
    }

    /**
     * {@link #executeBound} once per row of parameters, in one round trip; returns the rows affected in all.
     * Each execution's row count lands in {@code counts} as it completes, also when a later one fails.
     *
     * @param sql one statement with {@code $n} placeholders
     * @param paramRows the parameters of each execution, as {@link #executeBound} takes them
     * @param types each parameter's type OID (0: inferred), or null
     * @param prepare whether the statement stays prepared on the connection
     * @param counts receives each execution's row count; at least as long as {@code paramRows}
     * @return the rows affected in all
     * @throws ProgrammingException on a named cursor, or as the server reports
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error for the first execution that failed
     */
    protected final long executeBoundBatch(String sql, List<byte[][]> paramRows, int[] types, boolean prepare,
                                           long[] counts) {
        ensureOpen();
        requireUnnamed("executeBoundBatch");
        reset();
        setQuery(sql);
        rowCount = conn.executePreparedBatch(sql, paramRows, types, prepare, counts);
        return rowCount;
    }

    /**
     * Executes {@code sql} as written (one or more statements, no placeholders) and returns every
     * statement's result, in order; the cursor shows the first one ({@link #showResult} another).
     */
    final List<QueryResult> executeAll(String sql) {
        ensureOpen();
        requireUnnamed("executeAll");
        if (sql == null || sql.isBlank()) {
            throw new ProgrammingException("can't execute an empty query");
        }
        reset();
        setQuery(sql);
        List<QueryResult> results = conn.executeAll(sql);
        if (!results.isEmpty()) {
            setResult(results.getFirst());
        }
        return results;
    }

    /** Makes {@code result} (one of {@link #executeAll}'s) the cursor's current result. */
    final void showResult(QueryResult result) {
        reset();
        setResult(result);
    }

    /** The parameter types the server infers for {@code sql} ({@code $n} placeholders) and its columns. */
    final ExtendedQueryOperation describe(String sql, int[] types) {
        ensureOpen();
        return conn.describe(sql, types);
    }

    /** The current result's columns as the server described them (table OID, column number...), or null. */
    final List<Field> resultFields() {
        return fields;
    }

    private void requireUnnamed(String what) {
        if (name != null) {
            throw new ProgrammingException("can't call " + what + "() on named cursors");
        }
    }

    // ---- COPY ----

    /**
     * Copies rows into a table (psycopg2's {@code copy_from(file, table)}): {@code COPY table FROM STDIN} in
     * the text format, tab-separated, NULL as {@code \N}.
     *
     * @param in the rows, one a line; read to its end, not closed
     * @param table the table's name: a lowercase name, or {@code schema.table}, goes in as written; any other
     *     is quoted as one identifier
     * @throws ProgrammingException on an asynchronous connection (use {@link AsyncCopy}), or as the server reports
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error; a failure to read {@code in} ends the COPY, which the server
     *     rolls back, and is raised with its cause
     */
    public void copyFrom(InputStream in, String table) {
        copyFrom(in, table, "\t", "\\N", null);
    }

    /**
     * Copies rows into some columns of a table (psycopg2's {@code copy_from(file, table, sep, null, columns)}):
     * {@code COPY table (columns) FROM STDIN} in the text format with the given separator and NULL string.
     *
     * @param in the rows, one a line; read to its end, not closed
     * @param table the table's name, as {@link #copyFrom(InputStream, String)} takes it
     * @param sep the column separator
     * @param nullString how NULL is written
     * @param columns the columns the rows fill, or null (or empty) for all
     * @throws ProgrammingException on an asynchronous connection (use {@link AsyncCopy}), or as the server reports
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error; a failure to read {@code in} ends the COPY, which the server
     *     rolls back, and is raised with its cause
     */
    public void copyFrom(InputStream in, String table, String sep, String nullString, List<String> columns) {
        Objects.requireNonNull(in, "in");
        copy(CopyOperation.from(copySql(table, columns, "FROM STDIN", sep, nullString)), in, null);
    }

    /**
     * Copies a table's rows out (psycopg2's {@code copy_to(file, table)}): {@code COPY table TO STDOUT} in
     * the text format, tab-separated, NULL as {@code \N}.
     *
     * @param out receives the rows, one a line; not closed
     * @param table the table's name, as {@link #copyFrom(InputStream, String)} takes it
     * @throws ProgrammingException on an asynchronous connection (use {@link AsyncCopy}), or as the server reports
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, or a failure to write {@code out} with its cause
     */
    public void copyTo(OutputStream out, String table) {
        copyTo(out, table, "\t", "\\N", null);
    }

    /**
     * Copies some columns of a table's rows out (psycopg2's {@code copy_to(file, table, sep, null, columns)}):
     * {@code COPY table (columns) TO STDOUT} in the text format with the given separator and NULL string.
     *
     * @param out receives the rows, one a line; not closed
     * @param table the table's name, as {@link #copyFrom(InputStream, String)} takes it
     * @param sep the column separator
     * @param nullString how NULL is written
     * @param columns the columns to copy, or null (or empty) for all
     * @throws ProgrammingException on an asynchronous connection (use {@link AsyncCopy}), or as the server reports
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, or a failure to write {@code out} with its cause
     */
    public void copyTo(OutputStream out, String table, String sep, String nullString, List<String> columns) {
        Objects.requireNonNull(out, "out");
        copy(CopyOperation.to(copySql(table, columns, "TO STDOUT", sep, nullString)), null, out);
    }

    /**
     * Runs any {@code COPY ... FROM STDIN} statement, feeding it {@code in} (psycopg2's {@code copy_expert}):
     * any format, options or column list.
     *
     * @param sql the COPY statement
     * @param in its input; read to its end, not closed
     * @throws ProgrammingException on an asynchronous connection (use {@link AsyncCopy}), or as the server reports
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error; a failure to read {@code in} ends the COPY, which the server
     *     rolls back, and is raised with its cause
     */
    public void copyExpert(String sql, InputStream in) {
        Objects.requireNonNull(in, "in");
        copy(CopyOperation.from(sql), in, null);
    }

    /**
     * Runs any {@code COPY ... TO STDOUT} statement, writing its output to {@code out} (psycopg2's
     * {@code copy_expert}), or a query's with {@code COPY (SELECT ...) TO STDOUT}.
     *
     * @param sql the COPY statement
     * @param out receives its output; not closed
     * @throws ProgrammingException on an asynchronous connection (use {@link AsyncCopy}), or as the server reports
     * @throws InterfaceException if the cursor or its connection is closed
     * @throws PgException the server's error, or a failure to write {@code out} with its cause
     */
    public void copyExpert(String sql, OutputStream out) {
        Objects.requireNonNull(out, "out");
        copy(CopyOperation.to(sql), null, out);
    }

    private void copy(CopyOperation op, InputStream in, OutputStream out) {
        ensureOpen();
        reset();
        setQuery(null);
        String tag = conn.copy(op, in, out);
        statusMessage = tag;
        rowCount = op.rowCount();
    }

    private String copySql(String table, List<String> columns, String direction, String sep, String nullString) {
        StringBuilder sql = new StringBuilder("COPY ").append(Identifiers.quoteQualified(table));
        if (columns != null && !columns.isEmpty()) {
            sql.append(" (");
            for (int i = 0; i < columns.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(Identifiers.quote(columns.get(i)));
            }
            sql.append(')');
        }
        sql.append(' ').append(direction).append(" WITH (FORMAT text, DELIMITER ")
                .append(QueryFormatter.quote(sep, conn)).append(", NULL ")
                .append(QueryFormatter.quote(nullString, conn)).append(')');
        return sql.toString();
    }

    // ---- state ----

    /**
     * The columns of the current result (psycopg2's {@code description}).
     *
     * @return one {@link Column} per column, or null when there is no result, or the last statement returns
     *     no rows
     */
    public List<Column> description() {
        resolve();
        return description;
    }

    /**
     * The rows the last statement returned or affected (psycopg2's {@code rowcount}).
     *
     * @return the count, or -1 when it is not known (no statement yet, or a named cursor before its end)
     */
    public long rowCount() {
        resolve();
        return rowCount;
    }

    /**
     * The 0-based position of the next row to fetch (psycopg2's {@code rownumber}).
     *
     * @return how many rows of the result have been fetched or scrolled past
     */
    public int rowNumber() {
        return rowNumber;
    }

    /**
     * The command tag of the last statement (psycopg2's {@code statusmessage}), such as {@code INSERT 0 1}
     * or {@code SELECT 3}.
     *
     * @return the tag, or null when no statement has completed
     */
    public String statusMessage() {
        resolve();
        return statusMessage;
    }

    /**
     * The last query sent (psycopg2's {@code query}), with the arguments in place (or {@code $n}
     * placeholders for {@code executePrepared}).
     *
     * @return the query, or null before the first
     */
    public String query() {
        if (boundQuery != null) {
            query = boundQuery.format(conn);
            boundQuery = null;
        }
        return query;
    }

    private void setQuery(String q) {
        query = q;
        boundQuery = null;
    }

    /**
     * How many rows {@link #fetchMany()} fetches (psycopg2's {@code arraysize}).
     *
     * @return the count; 1 by default
     */
    public int arraySize() {
        return arraySize;
    }

    /**
     * Sets how many rows {@link #fetchMany()} fetches.
     *
     * @param arraySize the count
     */
    public void setArraySize(int arraySize) {
        this.arraySize = arraySize;
    }

    /**
     * How many rows a named cursor fetches per round trip while iterated (psycopg2's {@code itersize}).
     *
     * @return the count; 2000 by default
     */
    public int iterSize() {
        return iterSize;
    }

    /**
     * Sets how many rows a named cursor fetches per round trip while iterated.
     *
     * @param iterSize the count (at least 1 is fetched)
     */
    public void setIterSize(int iterSize) {
        this.iterSize = iterSize;
    }

    /**
     * The connection the cursor runs on (psycopg2's {@code connection}).
     *
     * @return the connection
     */
    public Connection connection() {
        return conn;
    }

    /**
     * The server-side cursor's name (psycopg2's {@code name}).
     *
     * @return the name, or null for a client-side cursor
     */
    public String name() {
        return name;
    }

    TypeRegistry types() {
        return types;
    }

    /**
     * Closes the cursor (psycopg2's {@code close}); a named cursor is closed on the server too
     * ({@code CLOSE}) while its transaction lives. Closing twice does nothing.
     *
     * @throws PgException if closing the server-side cursor fails
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        rows = List.of();
        if (name == null || conn.isClosed() || conn.isAsync()) {
            return;
        }
        TransactionStatus status = conn.transactionStatus();
        String quoted = Identifiers.quote(name);
        // A named cursor ends with its transaction unless WITH HOLD; close it on the server while it lives.
        if (declared && (status == TransactionStatus.INTRANS || (withHold && status == TransactionStatus.IDLE))) {
            conn.executeWithoutBegin("CLOSE " + quoted, this);
        } else if (!declared && (status == TransactionStatus.IDLE || status == TransactionStatus.INTRANS)) {
            // As psycopg2: a cursor of that name declared elsewhere is closed too, if it exists.
            QueryResult found = conn.executeWithoutBegin("SELECT 1 FROM pg_catalog.pg_cursors WHERE name = "
                    + QueryFormatter.quote(name, conn), this);
            if (found != null && !found.rows().isEmpty()) {
                conn.executeWithoutBegin("CLOSE " + quoted, this);
            }
        }
    }

    /**
     * Whether the cursor is closed (psycopg2's {@code closed}).
     *
     * @return true once closed, or once its connection is closed
     */
    public boolean isClosed() {
        return closed || conn.isClosed();
    }

    void ensureOpen() {
        if (closed) {
            throw new InterfaceException("cursor already closed");
        }
        if (conn.isClosed()) {
            throw new InterfaceException("connection already closed");
        }
    }
}
