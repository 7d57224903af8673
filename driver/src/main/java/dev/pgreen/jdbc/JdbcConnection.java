package dev.pgreen.jdbc;

import dev.pgreen.IsolationLevel;
import dev.pgreen.Row;
import dev.pgreen.TransactionStatus;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link java.sql.Connection} over a pgreen {@link dev.pgreen.Connection}: transactions, isolation and
 * read-only map to pgreen's session, every call that talks to the server goes through
 * {@link #run(SqlCall, JdbcStatement)}, which maps pgreen's exceptions and applies the query and network
 * timeouts. Every wait is pgreen's, so it goes through the wait callback.
 */
final class JdbcConnection implements java.sql.Connection {
    /** A call into pgreen that may raise its unchecked exceptions or a SQLException. */
    interface SqlCall<T> {
        T call() throws SQLException;
    }

    private final dev.pgreen.Connection pg;
    private final JdbcUrl.Options options;
    private final ReentrantLock countsLock = new ReentrantLock();
    private final Map<String, Integer> useCounts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > 1024;
        }
    };
    private final AtomicInteger names = new AtomicInteger();
    private final TypeCatalog types = new TypeCatalog(this);
    private final Calls calls;
    private SQLWarning warnings;
    private int holdability = ResultSet.CLOSE_CURSORS_AT_COMMIT;
    private String catalog;
    private Integer serverIsolation;

    JdbcConnection(dev.pgreen.Connection pg, JdbcUrl.Options options) {
        this.pg = pg;
        this.options = options;
        this.calls = new Calls(pg);
        pg.setAutocommit(true);
    }

    dev.pgreen.Connection pg() {
        return pg;
    }

    JdbcUrl.Options options() {
        return options;
    }

    TypeCatalog types() {
        return types;
    }

    // ---- the one way into pgreen ----

    <T> T run(SqlCall<T> body) throws SQLException {
        return run(body, null);
    }

    /** Runs a call into pgreen with the statement's query timeout; see {@link Calls#run}. */
    <T> T run(SqlCall<T> body, JdbcStatement statement) throws SQLException {
        return calls.run(body, statement == null ? 0 : statement.getQueryTimeout());
    }

    /** Statement.cancel(): a cancel request for whatever runs on the connection now (from any thread). */
    void cancel(JdbcStatement statement) throws SQLException {
        calls.markCancelled();
        try {
            pg.cancel();
        } catch (dev.pgreen.errors.PgException e) {
            throw SqlExceptions.map(e, false);
        }
    }

    /**
     * Whether to keep the statement prepared on the server: from its {@code prepareThreshold}-th use on
     * this connection (pgjdbc's rule), so one-off statements cost no named statement on the server.
     */
    boolean shouldPrepare(String sql) {
        int threshold = options.prepareThreshold();
        if (threshold <= 0) {
            return false;
        }
        countsLock.lock();
        try {
            return useCounts.merge(sql, 1, Integer::sum) >= threshold;
        } finally {
            countsLock.unlock();
        }
    }

    String nextCursorName() {
        return "pgreen_jdbc_cursor_" + names.incrementAndGet();
    }

    /** The first value of a statement of the driver's own (see {@link #queryRows}); null when no row. */
    String queryValue(String sql, Object... args) throws SQLException {
        List<TextRow> rows = queryRows(sql, args);
        return rows.isEmpty() ? null : rows.getFirst().text(0);
    }

    /**
     * The rows of a statement of the driver's own ({@code $n} parameters), run outside any transaction
     * when none is open, so that asking for metadata opens none.
     */
    List<TextRow> queryRows(String sql, Object... args) throws SQLException {
        return run(() -> {
            boolean toggle = !pg.isAutocommit() && pg.transactionStatus() == TransactionStatus.IDLE;
            if (toggle) {
                pg.setAutocommit(true);
            }
            try (JdbcCursor c = new JdbcCursor(pg, null)) {
                byte[][] params = new byte[args.length][];
                for (int i = 0; i < args.length; i++) {
                    params[i] = Parameters.encode(args[i]);
                }
                c.bound(sql, params, null, false);
                List<TextRow> rows = new java.util.ArrayList<>();
                for (Row row : c.fetchAll()) {
                    rows.add((TextRow) row);
                }
                return rows;
            } finally {
                if (toggle) {
                    pg.setAutocommit(false);
                }
            }
        });
    }

    /** The notices the server sent since they were last taken, as a warning chain (null: none). */
    SQLWarning drainNotices() {
        return Notices.drain(pg);
    }

    // ---- statements ----

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public Statement createStatement(int type, int concurrency) throws SQLException {
        return createStatement(type, concurrency, holdability);
    }

    @Override
    public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        return new JdbcStatement(this, resultSetType(type, concurrency), holdability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        return prepareStatement(sql, type, concurrency, holdability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
            throws SQLException {
        checkOpen();
        return new JdbcPreparedStatement(this, sql, resultSetType(type, concurrency), holdability,
                JdbcStatement.NO_KEYS);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        return new JdbcPreparedStatement(this, sql, ResultSet.TYPE_FORWARD_ONLY, holdability,
                autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS ? JdbcStatement.ALL_KEYS : JdbcStatement.NO_KEYS);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        throw SqlExceptions.notSupported("generated keys by column index (name the columns instead)");
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        return new JdbcPreparedStatement(this, sql, ResultSet.TYPE_FORWARD_ONLY, holdability,
                columnNames == null ? JdbcStatement.NO_KEYS : columnNames.clone());
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return prepareCall(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        return prepareCall(sql, type, concurrency, holdability);
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability)
            throws SQLException {
        checkOpen();
        return new JdbcCallableStatement(this, sql, resultSetType(type, concurrency), holdability);
    }

    /** Read-only, and scroll-insensitive at most: anything else is granted less, with a warning (JDBC's rule). */
    private int resultSetType(int type, int concurrency) {
        if (concurrency != ResultSet.CONCUR_READ_ONLY) {
            addWarning("updatable result sets are not supported: the result set is CONCUR_READ_ONLY");
        }
        if (type == ResultSet.TYPE_SCROLL_SENSITIVE) {
            addWarning("TYPE_SCROLL_SENSITIVE is not supported: the result set is TYPE_SCROLL_INSENSITIVE");
            return ResultSet.TYPE_SCROLL_INSENSITIVE;
        }
        return type;
    }

    @Override public String nativeSQL(String sql) throws SQLException { return JdbcSql.parse(sql, false, true).sql(); }

    // ---- transactions ----

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        if (autoCommit == pg.isAutocommit()) {
            return;
        }
        run(() -> {
            // JDBC: switching auto-commit on in the middle of a transaction commits it.
            if (autoCommit && pg.transactionStatus() != TransactionStatus.IDLE) {
                pg.commit();
            }
            pg.setAutocommit(autoCommit);
            return null;
        });
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return pg.isAutocommit();
    }

    @Override
    public void commit() throws SQLException {
        requireTransactions("commit");
        run(() -> {
            pg.commit();
            return null;
        });
    }

    @Override
    public void rollback() throws SQLException {
        requireTransactions("rollback");
        run(() -> {
            pg.rollback();
            return null;
        });
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return savepoint(new JdbcSavepoint(names.incrementAndGet(), null));
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        if (name == null || name.isEmpty()) {
            throw new SQLException("a savepoint needs a name", "3B001");
        }
        return savepoint(new JdbcSavepoint(0, name));
    }

    private Savepoint savepoint(JdbcSavepoint sp) throws SQLException {
        requireTransactions("a savepoint");
        savepointCommand("SAVEPOINT ", sp);
        return sp;
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        requireTransactions("rollback to a savepoint");
        savepointCommand("ROLLBACK TO SAVEPOINT ", JdbcSavepoint.of(savepoint));
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        requireTransactions("releasing a savepoint");
        savepointCommand("RELEASE SAVEPOINT ", JdbcSavepoint.of(savepoint));
    }

    private void savepointCommand(String command, JdbcSavepoint sp) throws SQLException {
        run(() -> {
            try (JdbcCursor c = new JdbcCursor(pg, null)) {
                c.all(command + sp.identifier());
            }
            return null;
        });
    }

    private void requireTransactions(String what) throws SQLException {
        checkOpen();
        if (pg.isAutocommit()) {
            throw new SQLException("cannot use " + what + " in auto-commit mode", "25000");
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        IsolationLevel l = switch (level) {
            case TRANSACTION_READ_UNCOMMITTED -> IsolationLevel.READ_UNCOMMITTED;
            case TRANSACTION_READ_COMMITTED -> IsolationLevel.READ_COMMITTED;
            case TRANSACTION_REPEATABLE_READ -> IsolationLevel.REPEATABLE_READ;
            case TRANSACTION_SERIALIZABLE -> IsolationLevel.SERIALIZABLE;
            default -> throw new SQLException("transaction isolation level " + level + " is not supported", "0A000");
        };
        run(() -> {
            pg.setSession(l, null, null);
            return null;
        });
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return switch (pg.isolationLevel()) {
            case READ_UNCOMMITTED -> TRANSACTION_READ_UNCOMMITTED;
            case READ_COMMITTED -> TRANSACTION_READ_COMMITTED;
            case REPEATABLE_READ -> TRANSACTION_REPEATABLE_READ;
            case SERIALIZABLE -> TRANSACTION_SERIALIZABLE;
            case DEFAULT -> serverIsolation();
        };
    }

    /** The server's default_transaction_isolation, asked once. */
    private int serverIsolation() throws SQLException {
        if (serverIsolation == null) {
            String level = queryValue("SHOW default_transaction_isolation");
            serverIsolation = switch (level == null ? "" : level) {
                case "read uncommitted" -> TRANSACTION_READ_UNCOMMITTED;
                case "repeatable read" -> TRANSACTION_REPEATABLE_READ;
                case "serializable" -> TRANSACTION_SERIALIZABLE;
                default -> TRANSACTION_READ_COMMITTED;
            };
        }
        return serverIsolation;
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (readOnly == isReadOnly()) {
            return;
        }
        run(() -> {
            pg.setSession(null, readOnly, null);
            return null;
        });
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return Boolean.TRUE.equals(pg.readOnly());
    }

    // ---- the session ----

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("the timeout must be 0 or more seconds", "22023");
        }
        if (pg.isClosed()) {
            return false;
        }
        if (pg.transactionStatus() == TransactionStatus.INERROR) {
            return true;
        }
        pg.setStatementTimeout(timeout == 0 ? null : Duration.ofSeconds(timeout));
        try {
            queryValue("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        } finally {
            if (!pg.isClosed()) {
                pg.setStatementTimeout(null);
            }
        }
    }

    @Override public void close() { pg.close(); }
    @Override public boolean isClosed() { return pg.isClosed(); }

    /** Closes the connection at once, aborting a statement another thread runs (pgreen's close() does). */
    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort needs an executor", "22023");
        }
        pg.close();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("the network timeout must be 0 or more milliseconds", "22023");
        }
        calls.setNetworkTimeout(milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return calls.networkTimeout();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        SQLWarning notices = drainNotices();
        if (notices != null) {
            addWarning(notices);
        }
        return warnings;
    }

    private void addWarning(String message) {
        addWarning(new SQLWarning(message, "01000"));
    }

    private void addWarning(SQLWarning w) {
        if (warnings == null) {
            warnings = w;
        } else {
            warnings.setNextWarning(w);
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        drainNotices();
        warnings = null;
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (!"ApplicationName".equals(name)) {
            addWarning("unknown client info property " + name + ": only ApplicationName is supported");
            return;
        }
        try {
            queryValue("SELECT set_config('application_name', $1, false)", value == null ? "" : value);
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        for (String name : properties.stringPropertyNames()) {
            setClientInfo(name, properties.getProperty(name));
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return "ApplicationName".equals(name) ? pg.parameterStatus("application_name") : null;
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        Properties p = new Properties();
        String app = getClientInfo("ApplicationName");
        if (app != null) {
            p.setProperty("ApplicationName", app);
        }
        return p;
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        String path = schema == null ? "" : '"' + schema.replace("\"", "\"\"") + '"';
        queryValue("SELECT set_config('search_path', $1, false)", path);
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return queryValue("SELECT current_schema()");
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        // As pgjdbc: a PostgreSQL connection is to one database; another catalog needs another connection.
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        if (catalog == null) {
            catalog = queryValue("SELECT current_database()");
        }
        return catalog;
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return new JdbcDatabaseMetaData(this);
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        checkOpen();
        if (typeName == null) {
            throw new SQLException("createArrayOf needs the element type's name", "22023");
        }
        PgTypes.Type element = PgTypes.byName(typeName);
        return new JdbcArray(element, element == null ? typeName : element.name(),
                elements == null ? null : elements.clone());
    }

    @Override public Struct createStruct(String typeName, Object[] attributes) throws SQLException { throw SqlExceptions.notSupported("createStruct"); }
    @Override public Clob createClob() throws SQLException { throw SqlExceptions.notSupported("createClob"); }
    @Override public Blob createBlob() throws SQLException { throw SqlExceptions.notSupported("createBlob"); }
    @Override public NClob createNClob() throws SQLException { throw SqlExceptions.notSupported("createNClob"); }
    @Override public SQLXML createSQLXML() throws SQLException { throw SqlExceptions.notSupported("createSQLXML"); }
    @Override public Map<String, Class<?>> getTypeMap() { return new HashMap<>(); }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        if (map != null && !map.isEmpty()) {
            throw SqlExceptions.notSupported("custom type maps");
        }
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        if (holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT && holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT) {
            throw new SQLException("unknown holdability " + holdability, "22023");
        }
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability;
    }

    void checkOpen() throws SQLException {
        if (pg.isClosed()) {
            throw SqlExceptions.closed("the connection");
        }
    }

    /** {@code unwrap(dev.pgreen.Connection.class)} is the pgreen connection underneath. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface.isInstance(pg)) {
            return iface.cast(pg);
        }
        throw new SQLException("not a wrapper for " + iface.getName(), "22023");
    }

    @Override public boolean isWrapperFor(Class<?> iface) { return iface.isInstance(this) || iface.isInstance(pg); }
    @Override public String toString() { return "JdbcConnection(" + pg + ")"; }
}
