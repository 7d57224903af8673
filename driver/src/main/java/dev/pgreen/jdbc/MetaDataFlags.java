package dev.pgreen.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;

/**
 * The half of {@link DatabaseMetaData} that is facts about PostgreSQL and this driver (what it supports,
 * its limits, its names), as pgjdbc states them. The catalog queries are {@link JdbcDatabaseMetaData}'s.
 */
abstract class MetaDataFlags implements DatabaseMetaData {
    /** NAMEDATALEN - 1: the longest identifier PostgreSQL keeps. */
    private static final int MAX_NAME = 63;

    final JdbcConnection conn;

    MetaDataFlags(JdbcConnection conn) {
        this.conn = conn;
    }

    // ---- names and versions ----

    @Override public String getDatabaseProductName() { return "PostgreSQL"; }
    @Override public String getDatabaseProductVersion() { return conn.pg().parameterStatus("server_version"); }
    @Override public int getDatabaseMajorVersion() { return conn.pg().serverVersion() / 10000; }

    /** 15.4 → 4; before version 10 the second number, 9.6.24 → 6. */
    @Override
    public int getDatabaseMinorVersion() {
        int v = conn.pg().serverVersion();
        return v >= 100000 ? v % 10000 : v / 100 % 100;
    }

    @Override public String getDriverName() { return "pgreen JDBC driver"; }
    @Override public String getDriverVersion() { return PgreenDriver.MAJOR + "." + PgreenDriver.MINOR; }
    @Override public int getDriverMajorVersion() { return PgreenDriver.MAJOR; }
    @Override public int getDriverMinorVersion() { return PgreenDriver.MINOR; }
    @Override public int getJDBCMajorVersion() { return 4; }
    @Override public int getJDBCMinorVersion() { return 2; }
    @Override public Connection getConnection() { return conn; }
    @Override public boolean isReadOnly() throws SQLException { return conn.isReadOnly(); }
    @Override public int getSQLStateType() { return sqlStateSQL; }
    @Override public RowIdLifetime getRowIdLifetime() { return RowIdLifetime.ROWID_UNSUPPORTED; }

    @Override public String getIdentifierQuoteString() { return "\""; }
    @Override public String getSearchStringEscape() { return "\\"; }
    @Override public String getExtraNameCharacters() { return ""; }
    @Override public String getSchemaTerm() { return "schema"; }
    @Override public String getProcedureTerm() { return "function"; }
    @Override public String getCatalogTerm() { return "database"; }
    @Override public String getCatalogSeparator() { return "."; }
    @Override public boolean isCatalogAtStart() { return true; }

    /** The SQL:2003 keywords PostgreSQL reserves that SQL:2003 itself does not (pgjdbc's list). */
    @Override
    public String getSQLKeywords() {
        return "abort,access,aggregate,also,analyse,analyze,attach,backward,bit,cache,checkpoint,class,cluster,"
                + "comment,concurrently,connection,conversion,copy,csv,database,delimiter,delimiters,detach,"
                + "dictionary,disable,discard,do,enable,encrypted,enum,event,exclusive,explain,extension,family,"
                + "force,format,forward,freeze,functions,generated,greatest,handler,header,if,ilike,immutable,"
                + "implicit,import,include,index,inherit,inherits,inline,label,leakproof,least,limit,listen,load,"
                + "location,lock,locked,logged,mapping,materialized,mode,move,nothing,notify,notnull,nowait,off,"
                + "offset,oids,operator,owned,owner,parallel,parser,passing,password,plans,policy,prepared,"
                + "procedural,procedures,program,publication,quote,reassign,recheck,refresh,reindex,rename,"
                + "replace,replica,reset,restrict,returning,rule,schemas,sequences,server,setof,share,show,"
                + "skip,snapshot,stable,standalone,statistics,stdin,stdout,storage,stored,strict,subscription,"
                + "support,sysid,tablespace,temp,template,text,truncate,trusted,types,unencrypted,unlisten,"
                + "unlogged,until,vacuum,valid,validator,variadic,verbose,version,views,volatile,wrapper,xmlattributes,"
                + "xmlconcat,xmlelement,xmlexists,xmlforest,xmlnamespaces,xmlparse,xmlpi,xmlroot,xmlserialize,"
                + "xmltable,yes";
    }

    @Override public String getNumericFunctions() { return "abs,acos,asin,atan,atan2,ceiling,cos,cot,degrees,exp,floor,log,log10,mod,pi,power,radians,round,sign,sin,sqrt,tan,truncate"; }
    @Override public String getStringFunctions() { return "ascii,char,concat,lcase,left,length,ltrim,repeat,rtrim,space,substring,ucase,replace"; }
    @Override public String getSystemFunctions() { return "database,ifnull,user"; }
    @Override public String getTimeDateFunctions() { return "curdate,curtime,dayname,dayofmonth,dayofweek,dayofyear,hour,minute,month,monthname,now,quarter,second,week,year,timestampadd"; }

    // ---- identifiers and NULLs ----

    @Override public boolean storesLowerCaseIdentifiers() { return true; }
    @Override public boolean storesUpperCaseIdentifiers() { return false; }
    @Override public boolean storesMixedCaseIdentifiers() { return false; }
    @Override public boolean supportsMixedCaseIdentifiers() { return false; }
    @Override public boolean storesLowerCaseQuotedIdentifiers() { return false; }
    @Override public boolean storesUpperCaseQuotedIdentifiers() { return false; }
    @Override public boolean storesMixedCaseQuotedIdentifiers() { return false; }
    @Override public boolean supportsMixedCaseQuotedIdentifiers() { return true; }
    @Override public boolean nullsAreSortedHigh() { return true; }
    @Override public boolean nullsAreSortedLow() { return false; }
    @Override public boolean nullsAreSortedAtStart() { return false; }
    @Override public boolean nullsAreSortedAtEnd() { return false; }
    @Override public boolean nullPlusNonNullIsNull() { return true; }
    @Override public boolean usesLocalFiles() { return false; }
    @Override public boolean usesLocalFilePerTable() { return false; }
    @Override public boolean allProceduresAreCallable() { return true; }
    @Override public boolean allTablesAreSelectable() { return true; }
    @Override public String getUserName() throws SQLException { return conn.queryValue("SELECT current_user"); }

    // ---- SQL ----

    @Override public boolean supportsAlterTableWithAddColumn() { return true; }
    @Override public boolean supportsAlterTableWithDropColumn() { return true; }
    @Override public boolean supportsColumnAliasing() { return true; }
    @Override public boolean supportsConvert() { return false; }
    @Override public boolean supportsConvert(int fromType, int toType) { return false; }
    @Override public boolean supportsTableCorrelationNames() { return true; }
    @Override public boolean supportsDifferentTableCorrelationNames() { return false; }
    @Override public boolean supportsExpressionsInOrderBy() { return true; }
    @Override public boolean supportsOrderByUnrelated() { return true; }
    @Override public boolean supportsGroupBy() { return true; }
    @Override public boolean supportsGroupByUnrelated() { return true; }
    @Override public boolean supportsGroupByBeyondSelect() { return true; }
    @Override public boolean supportsLikeEscapeClause() { return true; }
    @Override public boolean supportsMultipleResultSets() { return true; }
    @Override public boolean supportsMultipleTransactions() { return true; }
    @Override public boolean supportsNonNullableColumns() { return true; }
    @Override public boolean supportsMinimumSQLGrammar() { return true; }
    @Override public boolean supportsCoreSQLGrammar() { return false; }
    @Override public boolean supportsExtendedSQLGrammar() { return false; }
    @Override public boolean supportsANSI92EntryLevelSQL() { return true; }
    @Override public boolean supportsANSI92IntermediateSQL() { return false; }
    @Override public boolean supportsANSI92FullSQL() { return false; }
    @Override public boolean supportsIntegrityEnhancementFacility() { return true; }
    @Override public boolean supportsOuterJoins() { return true; }
    @Override public boolean supportsFullOuterJoins() { return true; }
    @Override public boolean supportsLimitedOuterJoins() { return true; }
    @Override public boolean supportsSchemasInDataManipulation() { return true; }
    @Override public boolean supportsSchemasInProcedureCalls() { return true; }
    @Override public boolean supportsSchemasInTableDefinitions() { return true; }
    @Override public boolean supportsSchemasInIndexDefinitions() { return true; }
    @Override public boolean supportsSchemasInPrivilegeDefinitions() { return true; }
    @Override public boolean supportsCatalogsInDataManipulation() { return false; }
    @Override public boolean supportsCatalogsInProcedureCalls() { return false; }
    @Override public boolean supportsCatalogsInTableDefinitions() { return false; }
    @Override public boolean supportsCatalogsInIndexDefinitions() { return false; }
    @Override public boolean supportsCatalogsInPrivilegeDefinitions() { return false; }
    @Override public boolean supportsPositionedDelete() { return false; }
    @Override public boolean supportsPositionedUpdate() { return false; }
    @Override public boolean supportsSelectForUpdate() { return true; }
    @Override public boolean supportsStoredProcedures() { return true; }
    @Override public boolean supportsStoredFunctionsUsingCallSyntax() { return true; }
    @Override public boolean supportsSubqueriesInComparisons() { return true; }
    @Override public boolean supportsSubqueriesInExists() { return true; }
    @Override public boolean supportsSubqueriesInIns() { return true; }
    @Override public boolean supportsSubqueriesInQuantifieds() { return true; }
    @Override public boolean supportsCorrelatedSubqueries() { return true; }
    @Override public boolean supportsUnion() { return true; }
    @Override public boolean supportsUnionAll() { return true; }
    @Override public boolean supportsNamedParameters() { return false; }
    @Override public boolean supportsGetGeneratedKeys() { return true; }
    @Override public boolean generatedKeyAlwaysReturned() { return true; }
    @Override public boolean supportsBatchUpdates() { return true; }
    @Override public boolean supportsSavepoints() { return true; }
    @Override public boolean supportsStatementPooling() { return false; }
    @Override public boolean locatorsUpdateCopy() { return false; }

    // ---- transactions and cursors ----

    @Override public boolean supportsTransactions() { return true; }
    @Override public int getDefaultTransactionIsolation() { return Connection.TRANSACTION_READ_COMMITTED; }
    @Override public boolean supportsTransactionIsolationLevel(int level) { return level != Connection.TRANSACTION_NONE; }
    @Override public boolean supportsDataDefinitionAndDataManipulationTransactions() { return true; }
    @Override public boolean supportsDataManipulationTransactionsOnly() { return false; }
    @Override public boolean dataDefinitionCausesTransactionCommit() { return false; }
    @Override public boolean dataDefinitionIgnoredInTransactions() { return false; }
    @Override public boolean autoCommitFailureClosesAllResultSets() { return false; }
    @Override public boolean supportsOpenCursorsAcrossCommit() { return false; }
    @Override public boolean supportsOpenCursorsAcrossRollback() { return false; }
    @Override public boolean supportsOpenStatementsAcrossCommit() { return true; }
    @Override public boolean supportsOpenStatementsAcrossRollback() { return true; }
    @Override public boolean supportsMultipleOpenResults() { return false; }
    @Override public int getResultSetHoldability() { return ResultSet.CLOSE_CURSORS_AT_COMMIT; }
    @Override public boolean supportsResultSetHoldability(int holdability) { return holdability == ResultSet.CLOSE_CURSORS_AT_COMMIT; }
    @Override public boolean supportsResultSetType(int type) { return type != ResultSet.TYPE_SCROLL_SENSITIVE; }
    @Override public boolean supportsResultSetConcurrency(int type, int concurrency) { return supportsResultSetType(type) && concurrency == ResultSet.CONCUR_READ_ONLY; }
    @Override public boolean ownUpdatesAreVisible(int type) { return false; }
    @Override public boolean ownDeletesAreVisible(int type) { return false; }
    @Override public boolean ownInsertsAreVisible(int type) { return false; }
    @Override public boolean othersUpdatesAreVisible(int type) { return false; }
    @Override public boolean othersDeletesAreVisible(int type) { return false; }
    @Override public boolean othersInsertsAreVisible(int type) { return false; }
    @Override public boolean updatesAreDetected(int type) { return false; }
    @Override public boolean deletesAreDetected(int type) { return false; }
    @Override public boolean insertsAreDetected(int type) { return false; }

    // ---- limits (0: none known) ----

    @Override public int getMaxBinaryLiteralLength() { return 0; }
    @Override public int getMaxCharLiteralLength() { return 0; }
    @Override public int getMaxColumnNameLength() { return MAX_NAME; }
    @Override public int getMaxColumnsInGroupBy() { return 0; }
    @Override public int getMaxColumnsInIndex() { return 32; }
    @Override public int getMaxColumnsInOrderBy() { return 0; }
    @Override public int getMaxColumnsInSelect() { return 0; }
    @Override public int getMaxColumnsInTable() { return 1600; }
    @Override public int getMaxConnections() { return 8192; }
    @Override public int getMaxCursorNameLength() { return MAX_NAME; }
    @Override public int getMaxIndexLength() { return 0; }
    @Override public int getMaxSchemaNameLength() { return MAX_NAME; }
    @Override public int getMaxProcedureNameLength() { return MAX_NAME; }
    @Override public int getMaxCatalogNameLength() { return MAX_NAME; }
    @Override public int getMaxRowSize() { return 1073741824; }
    @Override public boolean doesMaxRowSizeIncludeBlobs() { return false; }
    @Override public int getMaxStatementLength() { return 0; }
    @Override public int getMaxStatements() { return 0; }
    @Override public int getMaxTableNameLength() { return MAX_NAME; }
    @Override public int getMaxTablesInSelect() { return 0; }
    @Override public int getMaxUserNameLength() { return MAX_NAME; }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return SqlExceptions.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
