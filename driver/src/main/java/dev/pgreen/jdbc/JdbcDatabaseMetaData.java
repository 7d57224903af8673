package dev.pgreen.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The catalog half of {@link java.sql.DatabaseMetaData}: each method one query against pg_catalog,
 * its columns named and ordered as JDBC specifies. Patterns use LIKE; a null or empty pattern matches all.
 */
final class JdbcDatabaseMetaData extends MetaDataFlags {
    JdbcDatabaseMetaData(JdbcConnection conn) {
        super(conn);
    }

    @Override
    public String getURL() {
        return null;
    }

    // ---- how the queries are put together ----

    /** A catalog query with its optional filters, run as a prepared statement that closes with its result. */
    private final class Query {
        private final StringBuilder sql;
        private final List<Object> args = new ArrayList<>();

        Query(String sql) {
            this.sql = new StringBuilder(sql);
        }

        /** {@code AND column LIKE ?} unless the pattern is null or empty. */
        Query like(String column, String pattern) {
            return pattern == null || pattern.isEmpty() ? this : and(column + " LIKE ?", pattern);
        }

        /** {@code AND column = ?} unless the name is null. */
        Query is(String column, String name) {
            return name == null ? this : and(column + " = ?", name);
        }

        Query and(String condition, Object... values) {
            sql.append("\n  AND ").append(condition);
            args.addAll(Arrays.asList(values));
            return this;
        }

        ResultSet orderBy(String order) throws SQLException {
            sql.append("\nORDER BY ").append(order);
            return run();
        }

        ResultSet run() throws SQLException {
            PreparedStatement ps = conn.prepareStatement(sql.toString());
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            ps.closeOnCompletion();
            return ps.executeQuery();
        }
    }

    /** java.sql.Types of a pg_type row, by the built-ins' names (domains are read through their base type). */
    private static String sqlType(String typname, String typcategory) {
        return PgTypes.scalars().stream()
                .map(t -> "WHEN '" + t.name() + "' THEN " + t.sqlType())
                .collect(Collectors.joining(" ", "(CASE " + typname + " ",
                        " ELSE CASE WHEN " + typcategory + " = 'A' THEN 2003 ELSE 1111 END END)"));
    }

    /** COLUMN_SIZE as pgjdbc reports it: a declared length or precision, else the type's fixed size. */
    private static String columnSize(String typname, String typmod) {
        return """
                (CASE WHEN %1$s IN ('varchar', 'bpchar') THEN NULLIF(%2$s - 4, -5)
                      WHEN %1$s = 'numeric' THEN NULLIF(((%2$s - 4) >> 16) & 65535, 65535)
                      WHEN %1$s IN ('text', 'bytea', 'json', 'jsonb', 'xml') THEN 2147483647
                      WHEN %1$s = 'int2' THEN 5 WHEN %1$s IN ('int4', 'oid') THEN 10 WHEN %1$s = 'int8' THEN 19
                      WHEN %1$s = 'float4' THEN 8 WHEN %1$s = 'float8' THEN 17 WHEN %1$s = 'bool' THEN 1
                      WHEN %1$s = 'date' THEN 13 WHEN %1$s IN ('time', 'timetz') THEN 15
                      WHEN %1$s IN ('timestamp', 'timestamptz') THEN 29 WHEN %1$s = 'uuid' THEN 36
                      ELSE 2147483647 END)""".formatted(typname, typmod);
    }

    // ---- schemas, catalogs, table types ----

    @Override
    public ResultSet getSchemas() throws SQLException {
        return getSchemas(null, null);
    }

    @Override
    public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
        return new Query("""
                SELECT n.nspname AS "TABLE_SCHEM", current_database() AS "TABLE_CATALOG"
                FROM pg_catalog.pg_namespace n
                WHERE n.nspname NOT LIKE 'pg\\_toast%' AND (n.nspname NOT LIKE 'pg\\_temp\\_%'
                      OR n.oid = pg_catalog.pg_my_temp_schema())""")
                .like("n.nspname", schemaPattern)
                .orderBy("\"TABLE_SCHEM\"");
    }

    @Override
    public ResultSet getCatalogs() throws SQLException {
        return new Query("""
                SELECT d.datname AS "TABLE_CAT" FROM pg_catalog.pg_database d WHERE d.datallowconn""")
                .orderBy("\"TABLE_CAT\"");
    }

    @Override
    public ResultSet getTableTypes() throws SQLException {
        return new Query("""
                SELECT t AS "TABLE_TYPE" FROM (VALUES ('FOREIGN TABLE'), ('INDEX'), ('MATERIALIZED VIEW'),
                    ('PARTITIONED INDEX'), ('PARTITIONED TABLE'), ('SEQUENCE'), ('SYSTEM INDEX'), ('SYSTEM TABLE'),
                    ('SYSTEM TOAST INDEX'), ('SYSTEM TOAST TABLE'), ('SYSTEM VIEW'), ('TABLE'), ('TEMPORARY INDEX'),
                    ('TEMPORARY SEQUENCE'), ('TEMPORARY TABLE'), ('TEMPORARY VIEW'), ('TYPE'), ('VIEW')) v(t)""")
                .orderBy("1");
    }

    // ---- tables and columns ----

    @Override
    public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types)
            throws SQLException {
        Query q = new Query("""
                SELECT * FROM (
                  SELECT NULL::text AS "TABLE_CAT", n.nspname AS "TABLE_SCHEM", c.relname AS "TABLE_NAME",
                    CASE WHEN n.nspname LIKE 'pg\\_toast%' THEN
                           CASE c.relkind WHEN 'r' THEN 'SYSTEM TOAST TABLE' WHEN 'i' THEN 'SYSTEM TOAST INDEX' END
                         WHEN n.nspname IN ('pg_catalog', 'information_schema') THEN
                           CASE c.relkind WHEN 'r' THEN 'SYSTEM TABLE' WHEN 'v' THEN 'SYSTEM VIEW'
                                          WHEN 'i' THEN 'SYSTEM INDEX' END
                         WHEN n.nspname LIKE 'pg\\_temp\\_%' THEN
                           CASE c.relkind WHEN 'r' THEN 'TEMPORARY TABLE' WHEN 'v' THEN 'TEMPORARY VIEW'
                                          WHEN 'i' THEN 'TEMPORARY INDEX' WHEN 'S' THEN 'TEMPORARY SEQUENCE' END
                         ELSE CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE'
                                  WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                  WHEN 'i' THEN 'INDEX' WHEN 'I' THEN 'PARTITIONED INDEX'
                                  WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' END
                    END AS "TABLE_TYPE",
                    d.description AS "REMARKS", '' AS "TYPE_CAT", '' AS "TYPE_SCHEM", '' AS "TYPE_NAME",
                    '' AS "SELF_REFERENCING_COL_NAME", '' AS "REF_GENERATION"
                  FROM pg_catalog.pg_class c
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_catalog.pg_description d
                         ON d.objoid = c.oid AND d.objsubid = 0 AND d.classoid = 'pg_catalog.pg_class'::regclass
                  WHERE true""")
                .like("n.nspname", schemaPattern)
                .like("c.relname", tableNamePattern);
        q.sql.append("\n) t WHERE \"TABLE_TYPE\" IS NOT NULL");
        if (types != null) {
            q.and("\"TABLE_TYPE\" = ANY (?)", (Object) types);
        }
        return q.orderBy("\"TABLE_TYPE\", \"TABLE_SCHEM\", \"TABLE_NAME\"");
    }

    @Override
    public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern,
                                String columnNamePattern) throws SQLException {
        return new Query("""
                SELECT NULL::text AS "TABLE_CAT", n.nspname AS "TABLE_SCHEM", c.relname AS "TABLE_NAME",
                  a.attname AS "COLUMN_NAME", %s AS "DATA_TYPE", t.typname AS "TYPE_NAME",
                  %s AS "COLUMN_SIZE", NULL::int4 AS "BUFFER_LENGTH",
                  CASE WHEN bt.typname = 'numeric' AND a.atttypmod > 0 THEN (a.atttypmod - 4) & 65535
                       WHEN bt.typname IN ('timestamp', 'timestamptz', 'time', 'timetz')
                            THEN CASE WHEN a.atttypmod >= 0 THEN a.atttypmod ELSE 6 END
                       WHEN bt.typname IN ('int2', 'int4', 'int8', 'oid') THEN 0 END AS "DECIMAL_DIGITS",
                  10 AS "NUM_PREC_RADIX",
                  CASE WHEN a.attnotnull OR t.typnotnull THEN 0 ELSE 1 END AS "NULLABLE",
                  d.description AS "REMARKS", pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS "COLUMN_DEF",
                  NULL::int4 AS "SQL_DATA_TYPE", NULL::int4 AS "SQL_DATETIME_SUB",
                  CASE WHEN bt.typname IN ('varchar', 'bpchar', 'text') THEN %s END AS "CHAR_OCTET_LENGTH",
                  a.attnum::int4 AS "ORDINAL_POSITION",
                  CASE WHEN a.attnotnull OR t.typnotnull THEN 'NO' ELSE 'YES' END AS "IS_NULLABLE",
                  NULL::text AS "SCOPE_CATALOG", NULL::text AS "SCOPE_SCHEMA", NULL::text AS "SCOPE_TABLE",
                  NULL::int2 AS "SOURCE_DATA_TYPE",
                  CASE WHEN a.attidentity <> '' OR pg_catalog.pg_get_expr(def.adbin, def.adrelid) LIKE 'nextval(%%'
                       THEN 'YES' ELSE 'NO' END AS "IS_AUTOINCREMENT",
                  CASE WHEN a.attgenerated <> '' THEN 'YES' ELSE 'NO' END AS "IS_GENERATEDCOLUMN"
                FROM pg_catalog.pg_attribute a
                JOIN pg_catalog.pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
                LEFT JOIN pg_catalog.pg_attrdef def ON def.adrelid = a.attrelid AND def.adnum = a.attnum
                LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum
                     AND d.classoid = 'pg_catalog.pg_class'::regclass
                WHERE a.attnum > 0 AND NOT a.attisdropped""".formatted(
                        sqlType("bt.typname", "bt.typcategory"), columnSize("bt.typname", "a.atttypmod"),
                        columnSize("bt.typname", "a.atttypmod")))
                .like("n.nspname", schemaPattern)
                .like("c.relname", tableNamePattern)
                .like("a.attname", columnNamePattern)
                .orderBy("\"TABLE_SCHEM\", \"TABLE_NAME\", \"ORDINAL_POSITION\"");
    }

    // ---- keys and indexes ----

    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        return new Query("""
                SELECT NULL::text AS "TABLE_CAT", n.nspname AS "TABLE_SCHEM", ct.relname AS "TABLE_NAME",
                  a.attname AS "COLUMN_NAME", k.pos::int2 AS "KEY_SEQ", con.conname AS "PK_NAME"
                FROM pg_catalog.pg_constraint con
                JOIN pg_catalog.pg_class ct ON ct.oid = con.conrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = ct.relnamespace
                CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, pos)
                JOIN pg_catalog.pg_attribute a ON a.attrelid = ct.oid AND a.attnum = k.attnum
                WHERE con.contype = 'p'""")
                .is("n.nspname", emptyAsNull(schema))
                .is("ct.relname", table)
                .orderBy("\"TABLE_SCHEM\", \"TABLE_NAME\", \"KEY_SEQ\"");
    }

    @Override
    public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
        return foreignKeys().is("fkn.nspname", emptyAsNull(schema)).is("fkc.relname", table)
                .orderBy("\"PKTABLE_SCHEM\", \"PKTABLE_NAME\", \"FK_NAME\", \"KEY_SEQ\"");
    }

    @Override
    public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
        return foreignKeys().is("pkn.nspname", emptyAsNull(schema)).is("pkc.relname", table)
                .orderBy("\"FKTABLE_SCHEM\", \"FKTABLE_NAME\", \"FK_NAME\", \"KEY_SEQ\"");
    }

    @Override
    public ResultSet getCrossReference(String parentCatalog, String parentSchema, String parentTable,
                                       String foreignCatalog, String foreignSchema, String foreignTable)
            throws SQLException {
        return foreignKeys().is("pkn.nspname", emptyAsNull(parentSchema)).is("pkc.relname", parentTable)
                .is("fkn.nspname", emptyAsNull(foreignSchema)).is("fkc.relname", foreignTable)
                .orderBy("\"FKTABLE_SCHEM\", \"FKTABLE_NAME\", \"FK_NAME\", \"KEY_SEQ\"");
    }

    /** Every foreign key column pair, with JDBC's codes for its rules and deferrability. */
    private Query foreignKeys() {
        return new Query("""
                SELECT NULL::text AS "PKTABLE_CAT", pkn.nspname AS "PKTABLE_SCHEM", pkc.relname AS "PKTABLE_NAME",
                  pka.attname AS "PKCOLUMN_NAME", NULL::text AS "FKTABLE_CAT", fkn.nspname AS "FKTABLE_SCHEM",
                  fkc.relname AS "FKTABLE_NAME", fka.attname AS "FKCOLUMN_NAME", k.pos::int2 AS "KEY_SEQ",
                  (CASE con.confupdtype WHEN 'c' THEN 0 WHEN 'r' THEN 1 WHEN 'n' THEN 2 WHEN 'd' THEN 4 ELSE 3 END)::int2
                    AS "UPDATE_RULE",
                  (CASE con.confdeltype WHEN 'c' THEN 0 WHEN 'r' THEN 1 WHEN 'n' THEN 2 WHEN 'd' THEN 4 ELSE 3 END)::int2
                    AS "DELETE_RULE",
                  con.conname AS "FK_NAME", pki.relname AS "PK_NAME",
                  (CASE WHEN con.condeferrable AND con.condeferred THEN 5 WHEN con.condeferrable THEN 6 ELSE 7 END)::int2
                    AS "DEFERRABILITY"
                FROM pg_catalog.pg_constraint con
                JOIN pg_catalog.pg_class fkc ON fkc.oid = con.conrelid
                JOIN pg_catalog.pg_namespace fkn ON fkn.oid = fkc.relnamespace
                JOIN pg_catalog.pg_class pkc ON pkc.oid = con.confrelid
                JOIN pg_catalog.pg_namespace pkn ON pkn.oid = pkc.relnamespace
                CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(fk, pk, pos)
                JOIN pg_catalog.pg_attribute fka ON fka.attrelid = con.conrelid AND fka.attnum = k.fk
                JOIN pg_catalog.pg_attribute pka ON pka.attrelid = con.confrelid AND pka.attnum = k.pk
                LEFT JOIN pg_catalog.pg_class pki ON pki.oid = con.conindid
                WHERE con.contype = 'f'""");
    }

    @Override
    public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique,
                                  boolean approximate) throws SQLException {
        Query q = new Query("""
                SELECT NULL::text AS "TABLE_CAT", n.nspname AS "TABLE_SCHEM", ct.relname AS "TABLE_NAME",
                  NOT i.indisunique AS "NON_UNIQUE", NULL::text AS "INDEX_QUALIFIER", ci.relname AS "INDEX_NAME",
                  (CASE WHEN i.indisclustered THEN 1 WHEN am.amname = 'hash' THEN 2 ELSE 3 END)::int2 AS "TYPE",
                  k.pos::int2 AS "ORDINAL_POSITION",
                  CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(ci.oid, k.pos::int4, false)
                       ELSE a.attname::text END AS "COLUMN_NAME",
                  CASE WHEN am.amname = 'btree'
                       THEN CASE i.indoption[k.pos - 1] & 1 WHEN 1 THEN 'D' ELSE 'A' END END AS "ASC_OR_DESC",
                  ci.reltuples::int8 AS "CARDINALITY", ci.relpages::int8 AS "PAGES",
                  pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS "FILTER_CONDITION"
                FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_class ct ON ct.oid = i.indrelid
                JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = ct.relnamespace
                JOIN pg_catalog.pg_am am ON am.oid = ci.relam
                CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos)
                LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ct.oid AND a.attnum = k.attnum
                WHERE k.pos <= i.indnkeyatts""")
                .is("n.nspname", emptyAsNull(schema))
                .is("ct.relname", table);
        if (unique) {
            q.and("i.indisunique");
        }
        return q.orderBy("\"NON_UNIQUE\", \"TYPE\", \"INDEX_NAME\", \"ORDINAL_POSITION\"");
    }

    @Override
    public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope,
                                          boolean nullable) throws SQLException {
        return new Query("""
                SELECT 2::int2 AS "SCOPE", a.attname AS "COLUMN_NAME", %s AS "DATA_TYPE", t.typname AS "TYPE_NAME",
                  %s AS "COLUMN_SIZE", NULL::int4 AS "BUFFER_LENGTH", NULL::int2 AS "DECIMAL_DIGITS",
                  1::int2 AS "PSEUDO_COLUMN"
                FROM pg_catalog.pg_constraint con
                JOIN pg_catalog.pg_class ct ON ct.oid = con.conrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = ct.relnamespace
                JOIN pg_catalog.pg_attribute a ON a.attrelid = ct.oid AND a.attnum = ANY (con.conkey)
                JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                WHERE con.contype = 'p'""".formatted(sqlType("t.typname", "t.typcategory"),
                        columnSize("t.typname", "a.atttypmod")))
                .is("n.nspname", emptyAsNull(schema))
                .is("ct.relname", table)
                .orderBy("\"COLUMN_NAME\"");
    }

    // ---- types ----

    @Override
    public ResultSet getTypeInfo() throws SQLException {
        return new Query("""
                SELECT t.typname AS "TYPE_NAME", %s AS "DATA_TYPE", %s AS "PRECISION",
                  CASE WHEN t.typcategory IN ('S', 'D', 'U', 'A') THEN '''' END AS "LITERAL_PREFIX",
                  CASE WHEN t.typcategory IN ('S', 'D', 'U', 'A') THEN '''' END AS "LITERAL_SUFFIX",
                  CASE t.typname WHEN 'numeric' THEN 'precision,scale' WHEN 'varchar' THEN 'length'
                                 WHEN 'bpchar' THEN 'length' END AS "CREATE_PARAMS",
                  1::int2 AS "NULLABLE", t.typcategory = 'S' AS "CASE_SENSITIVE", 3::int2 AS "SEARCHABLE",
                  t.typcategory <> 'N' AS "UNSIGNED_ATTRIBUTE", t.typname = 'money' AS "FIXED_PREC_SCALE",
                  t.typname IN ('serial', 'bigserial', 'smallserial') AS "AUTO_INCREMENT",
                  NULL::text AS "LOCAL_TYPE_NAME", 0::int2 AS "MINIMUM_SCALE",
                  (CASE WHEN t.typname = 'numeric' THEN 1000 ELSE 0 END)::int2 AS "MAXIMUM_SCALE",
                  NULL::int4 AS "SQL_DATA_TYPE", NULL::int4 AS "SQL_DATETIME_SUB", 10 AS "NUM_PREC_RADIX"
                FROM pg_catalog.pg_type t
                WHERE t.typtype IN ('b', 'e', 'd', 'r', 'm') AND t.typisdefined""".formatted(
                        sqlType("t.typname", "t.typcategory"), columnSize("t.typname", "-1")))
                .orderBy("\"DATA_TYPE\", \"TYPE_NAME\"");
    }

    @Override
    public ResultSet getUDTs(String catalog, String schemaPattern, String typeNamePattern, int[] types)
            throws SQLException {
        return new Query("""
                SELECT NULL::text AS "TYPE_CAT", n.nspname AS "TYPE_SCHEM", t.typname AS "TYPE_NAME",
                  NULL::text AS "CLASS_NAME", (CASE t.typtype WHEN 'c' THEN 2002 ELSE 2001 END)::int4 AS "DATA_TYPE",
                  d.description AS "REMARKS", NULL::int2 AS "BASE_TYPE"
                FROM pg_catalog.pg_type t
                JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
                LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid
                WHERE (t.typtype = 'd' OR (t.typtype = 'c' AND c.relkind = 'c'))""")
                .like("n.nspname", schemaPattern)
                .like("t.typname", typeNamePattern)
                .orderBy("\"DATA_TYPE\", \"TYPE_SCHEM\", \"TYPE_NAME\"");
    }

    // ---- functions and procedures ----

    @Override
    public ResultSet getProcedures(String catalog, String schemaPattern, String procedureNamePattern)
            throws SQLException {
        return new Query("""
                SELECT NULL::text AS "PROCEDURE_CAT", n.nspname AS "PROCEDURE_SCHEM", p.proname AS "PROCEDURE_NAME",
                  NULL::text AS "RESERVED1", NULL::text AS "RESERVED2", NULL::text AS "RESERVED3",
                  d.description AS "REMARKS",
                  (CASE WHEN p.prokind = 'p' THEN 1 ELSE 2 END)::int2 AS "PROCEDURE_TYPE",
                  p.proname || '_' || p.oid AS "SPECIFIC_NAME"
                FROM pg_catalog.pg_proc p
                JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                LEFT JOIN pg_catalog.pg_description d ON d.objoid = p.oid
                WHERE p.prokind IN ('f', 'p')""")
                .like("n.nspname", schemaPattern)
                .like("p.proname", procedureNamePattern)
                .orderBy("\"PROCEDURE_SCHEM\", \"PROCEDURE_NAME\", \"SPECIFIC_NAME\"");
    }

    @Override
    public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
            throws SQLException {
        return new Query("""
                SELECT NULL::text AS "FUNCTION_CAT", n.nspname AS "FUNCTION_SCHEM", p.proname AS "FUNCTION_NAME",
                  d.description AS "REMARKS", (CASE WHEN p.proretset THEN 2 ELSE 1 END)::int2 AS "FUNCTION_TYPE",
                  p.proname || '_' || p.oid AS "SPECIFIC_NAME"
                FROM pg_catalog.pg_proc p
                JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                LEFT JOIN pg_catalog.pg_description d ON d.objoid = p.oid
                WHERE p.prokind = 'f'""")
                .like("n.nspname", schemaPattern)
                .like("p.proname", functionNamePattern)
                .orderBy("\"FUNCTION_SCHEM\", \"FUNCTION_NAME\", \"SPECIFIC_NAME\"");
    }

    @Override
    public ResultSet getProcedureColumns(String catalog, String schemaPattern, String procedureNamePattern,
                                         String columnNamePattern) throws SQLException {
        return routineColumns("PROCEDURE", schemaPattern, procedureNamePattern, columnNamePattern, "('f', 'p')");
    }

    @Override
    public ResultSet getFunctionColumns(String catalog, String schemaPattern, String functionNamePattern,
                                        String columnNamePattern) throws SQLException {
        return routineColumns("FUNCTION", schemaPattern, functionNamePattern, columnNamePattern, "('f')");
    }

    /**
     * The arguments of functions or procedures, then a function's scalar return value (COLUMN_TYPE 5).
     * The codes of procedureColumnIn/InOut/Out/Return and functionColumnIn/InOut/Out/Return agree.
     */
    private ResultSet routineColumns(String kind, String schemaPattern, String namePattern, String columnPattern,
                                     String prokinds) throws SQLException {
        return new Query("""
                SELECT * FROM (
                  SELECT NULL::text AS "%1$s_CAT", n.nspname AS "%1$s_SCHEM", p.proname AS "%1$s_NAME",
                    COALESCE(p.proargnames[arg.pos], '$' || arg.pos) AS "COLUMN_NAME",
                    (CASE COALESCE(p.proargmodes[arg.pos], 'i') WHEN 'i' THEN 1 WHEN 'b' THEN 2 WHEN 'o' THEN 4
                                                              WHEN 't' THEN 3 ELSE 0 END)::int2 AS "COLUMN_TYPE",
                    %2$s AS "DATA_TYPE", t.typname AS "TYPE_NAME", NULL::int4 AS "PRECISION", NULL::int4 AS "LENGTH",
                    NULL::int2 AS "SCALE", 10::int2 AS "RADIX", 2::int2 AS "NULLABLE", NULL::text AS "REMARKS",
                    NULL::text AS "COLUMN_DEF", NULL::int4 AS "SQL_DATA_TYPE", NULL::int4 AS "SQL_DATETIME_SUB",
                    NULL::int4 AS "CHAR_OCTET_LENGTH", arg.pos::int4 AS "ORDINAL_POSITION", '' AS "IS_NULLABLE",
                    p.proname || '_' || p.oid AS "SPECIFIC_NAME"
                  FROM pg_catalog.pg_proc p
                  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                  CROSS JOIN LATERAL unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[]))
                       WITH ORDINALITY AS arg(typ, pos)
                  JOIN pg_catalog.pg_type t ON t.oid = arg.typ
                  WHERE p.prokind IN %3$s
                  UNION ALL
                  SELECT NULL::text, n.nspname, p.proname, 'returnValue', 5::int2, %2$s, t.typname,
                    NULL::int4, NULL::int4, NULL::int2, 10::int2, 2::int2, NULL::text, NULL::text, NULL::int4,
                    NULL::int4, NULL::int4, 0, '', p.proname || '_' || p.oid
                  FROM pg_catalog.pg_proc p
                  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                  JOIN pg_catalog.pg_type t ON t.oid = p.prorettype
                  WHERE p.prokind = 'f' AND p.proallargtypes IS NULL AND t.typname <> 'void' AND NOT p.proretset
                ) r WHERE true""".formatted(kind, sqlType("t.typname", "t.typcategory"), prokinds))
                .like("\"" + kind + "_SCHEM\"", schemaPattern)
                .like("\"" + kind + "_NAME\"", namePattern)
                .like("\"COLUMN_NAME\"", columnPattern)
                .orderBy("\"" + kind + "_SCHEM\", \"" + kind + "_NAME\", \"SPECIFIC_NAME\", \"ORDINAL_POSITION\"");
    }

    // ---- privileges ----

    @Override
    public ResultSet getTablePrivileges(String catalog, String schemaPattern, String tableNamePattern)
            throws SQLException {
        return new Query("""
                SELECT NULL::text AS "TABLE_CAT", p.table_schema::text AS "TABLE_SCHEM",
                  p.table_name::text AS "TABLE_NAME", p.grantor::text AS "GRANTOR", p.grantee::text AS "GRANTEE",
                  p.privilege_type::text AS "PRIVILEGE", p.is_grantable::text AS "IS_GRANTABLE"
                FROM information_schema.table_privileges p
                WHERE true""")
                .like("p.table_schema", schemaPattern)
                .like("p.table_name", tableNamePattern)
                .orderBy("\"TABLE_SCHEM\", \"TABLE_NAME\", \"PRIVILEGE\"");
    }

    @Override
    public ResultSet getColumnPrivileges(String catalog, String schema, String table, String columnNamePattern)
            throws SQLException {
        return new Query("""
                SELECT NULL::text AS "TABLE_CAT", p.table_schema::text AS "TABLE_SCHEM",
                  p.table_name::text AS "TABLE_NAME", p.column_name::text AS "COLUMN_NAME",
                  p.grantor::text AS "GRANTOR", p.grantee::text AS "GRANTEE",
                  p.privilege_type::text AS "PRIVILEGE", p.is_grantable::text AS "IS_GRANTABLE"
                FROM information_schema.column_privileges p
                WHERE true""")
                .is("p.table_schema", emptyAsNull(schema))
                .is("p.table_name", table)
                .like("p.column_name", columnNamePattern)
                .orderBy("\"COLUMN_NAME\", \"PRIVILEGE\"");
    }

    // ---- what PostgreSQL does not have: empty results with JDBC's columns ----

    @Override
    public ResultSet getVersionColumns(String catalog, String schema, String table) throws SQLException {
        return empty("\"SCOPE\" int2, \"COLUMN_NAME\" text, \"DATA_TYPE\" int4, \"TYPE_NAME\" text, "
                + "\"COLUMN_SIZE\" int4, \"BUFFER_LENGTH\" int4, \"DECIMAL_DIGITS\" int2, \"PSEUDO_COLUMN\" int2");
    }

    @Override
    public ResultSet getSuperTypes(String catalog, String schemaPattern, String typeNamePattern) throws SQLException {
        return empty("\"TYPE_CAT\" text, \"TYPE_SCHEM\" text, \"TYPE_NAME\" text, \"SUPERTYPE_CAT\" text, "
                + "\"SUPERTYPE_SCHEM\" text, \"SUPERTYPE_NAME\" text");
    }

    @Override
    public ResultSet getSuperTables(String catalog, String schemaPattern, String tableNamePattern)
            throws SQLException {
        return empty("\"TABLE_CAT\" text, \"TABLE_SCHEM\" text, \"TABLE_NAME\" text, \"SUPERTABLE_NAME\" text");
    }

    @Override
    public ResultSet getAttributes(String catalog, String schemaPattern, String typeNamePattern,
                                   String attributeNamePattern) throws SQLException {
        return empty("\"TYPE_CAT\" text, \"TYPE_SCHEM\" text, \"TYPE_NAME\" text, \"ATTR_NAME\" text, "
                + "\"DATA_TYPE\" int4, \"ATTR_TYPE_NAME\" text, \"ATTR_SIZE\" int4, \"DECIMAL_DIGITS\" int4, "
                + "\"NUM_PREC_RADIX\" int4, \"NULLABLE\" int4, \"REMARKS\" text, \"ATTR_DEF\" text, "
                + "\"SQL_DATA_TYPE\" int4, \"SQL_DATETIME_SUB\" int4, \"CHAR_OCTET_LENGTH\" int4, "
                + "\"ORDINAL_POSITION\" int4, \"IS_NULLABLE\" text, \"SCOPE_CATALOG\" text, \"SCOPE_SCHEMA\" text, "
                + "\"SCOPE_TABLE\" text, \"SOURCE_DATA_TYPE\" int2");
    }

    @Override
    public ResultSet getPseudoColumns(String catalog, String schemaPattern, String tableNamePattern,
                                      String columnNamePattern) throws SQLException {
        return empty("\"TABLE_CAT\" text, \"TABLE_SCHEM\" text, \"TABLE_NAME\" text, \"COLUMN_NAME\" text, "
                + "\"DATA_TYPE\" int4, \"COLUMN_SIZE\" int4, \"DECIMAL_DIGITS\" int4, \"NUM_PREC_RADIX\" int4, "
                + "\"COLUMN_USAGE\" text, \"REMARKS\" text, \"CHAR_OCTET_LENGTH\" int4, \"IS_NULLABLE\" text");
    }

    @Override
    public ResultSet getClientInfoProperties() throws SQLException {
        return new Query("""
                SELECT 'ApplicationName' AS "NAME", 63 AS "MAX_LEN", ''::text AS "DEFAULT_VALUE",
                  'the application_name of the session' AS "DESCRIPTION\"""").run();
    }

    /** A result with these columns ("NAME" type, ...) and no rows. */
    private ResultSet empty(String columns) throws SQLException {
        return new Query("SELECT * FROM (SELECT " + Arrays.stream(columns.split(", "))
                .map(c -> "NULL::" + c.substring(c.lastIndexOf(' ') + 1) + " AS " + c.substring(0, c.lastIndexOf(' ')))
                .collect(Collectors.joining(", ")) + ") e WHERE false").run();
    }

    private static String emptyAsNull(String schema) {
        return schema == null || schema.isEmpty() ? null : schema;
    }
}
