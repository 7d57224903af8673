package dev.pgreen.jdbc;

import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What result metadata needs from the catalogs, asked once per connection: the names and JDBC codes of
 * types pgreen does not know (enums, domains, extensions' types), and the tables' columns behind a result
 * (schema, table, NOT NULL, serial or identity).
 */
final class TypeCatalog {
    record TypeInfo(String name, int sqlType, String javaClass) {}

    record ColumnInfo(String schema, String table, String column, boolean notNull, boolean autoIncrement) {}

    private final JdbcConnection conn;
    private final Map<Integer, TypeInfo> types = new ConcurrentHashMap<>();
    private final Map<Integer, Map<Integer, ColumnInfo>> tables = new ConcurrentHashMap<>();

    TypeCatalog(JdbcConnection conn) {
        this.conn = conn;
    }

    TypeInfo type(int oid) throws SQLException {
        PgTypes.Type builtin = PgTypes.byOid(oid);
        if (builtin != null) {
            return new TypeInfo(builtin.name(), builtin.sqlType(), builtin.javaClass());
        }
        TypeInfo known = types.get(oid);
        if (known != null) {
            return known;
        }
        List<TextRow> rows = conn.queryRows("""
                SELECT t.typname, t.typtype, t.typcategory, t.typbasetype FROM pg_catalog.pg_type t
                WHERE t.oid = $1""", Integer.toUnsignedLong(oid));
        TypeInfo info;
        if (rows.isEmpty()) {
            info = new TypeInfo("oid " + oid, Types.OTHER, "java.lang.String");
        } else {
            TextRow r = rows.getFirst();
            String typtype = r.text(1);
            int sqlType = switch (typtype) {
                case "d" -> type(Integer.parseInt(r.text(3))).sqlType();
                case "c" -> Types.STRUCT;
                case "e" -> Types.VARCHAR;
                default -> "A".equals(r.text(2)) ? Types.ARRAY : Types.OTHER;
            };
            info = new TypeInfo(r.text(0), sqlType, sqlType == Types.ARRAY ? "java.sql.Array" : "java.lang.String");
        }
        types.put(oid, info);
        return info;
    }

    /** The column of table {@code tableOid} numbered {@code attnum}; null for a computed column. */
    ColumnInfo column(int tableOid, int attnum) throws SQLException {
        if (tableOid == 0 || attnum <= 0) {
            return null;
        }
        Map<Integer, ColumnInfo> columns = tables.get(tableOid);
        if (columns == null) {
            columns = new HashMap<>();
            for (TextRow r : conn.queryRows("""
                    SELECT a.attnum, n.nspname, c.relname, a.attname, a.attnotnull,
                           a.attidentity <> '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'
                    FROM pg_catalog.pg_attribute a
                    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    WHERE a.attrelid = $1 AND a.attnum > 0""", Integer.toUnsignedLong(tableOid))) {
                columns.put(Integer.parseInt(r.text(0)), new ColumnInfo(r.text(1), r.text(2), r.text(3),
                        "t".equals(r.text(4)), "t".equals(r.text(5))));
            }
            tables.put(tableOid, columns);
        }
        return columns.get(attnum);
    }
}
