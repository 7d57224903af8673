package dev.pgreen.jdbc;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** DatabaseMetaData: the facts libraries ask for and the catalog queries, with JDBC's column names. */
@ExtendWith(PgServerExtension.class)
class JdbcMetaDataTest {

    private static List<String> column(ResultSet rs, String name) throws SQLException {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
            out.add(rs.getString(name));
        }
        rs.close();
        return out;
    }

    @Test
    void theCatalogQueriesDescribeTablesKeysAndIndexes(TestServer server) throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            st.execute("""
                    DROP SCHEMA IF EXISTS jdbc_md CASCADE; CREATE SCHEMA jdbc_md;
                    CREATE TABLE jdbc_md.parent (id bigserial PRIMARY KEY, code varchar(12) NOT NULL,
                      price numeric(8,2), made timestamptz DEFAULT now());
                    COMMENT ON TABLE jdbc_md.parent IS 'the parents';
                    CREATE TABLE jdbc_md.child (pid bigint REFERENCES jdbc_md.parent ON DELETE CASCADE,
                      n int GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (pid, n));
                    CREATE UNIQUE INDEX parent_code ON jdbc_md.parent (code DESC);
                    CREATE VIEW jdbc_md.v AS SELECT id FROM jdbc_md.parent;
                    CREATE FUNCTION jdbc_md.f(x int) RETURNS int LANGUAGE sql AS 'SELECT x';
                    CREATE PROCEDURE jdbc_md.p(x int) LANGUAGE sql AS 'SELECT 1';
                    """);
            DatabaseMetaData md = c.getMetaData();
            assertEquals("PostgreSQL", md.getDatabaseProductName());
            assertEquals(c.unwrap(dev.pgreen.Connection.class).serverVersion() / 10000, md.getDatabaseMajorVersion());
            assertEquals("\"", md.getIdentifierQuoteString());
            assertTrue(md.supportsTransactions() && md.supportsSavepoints() && md.supportsBatchUpdates());
            assertTrue(md.storesLowerCaseIdentifiers());
            assertSame(c, md.getConnection());

            ResultSet tables = md.getTables(null, "jdbc_md", "%", null);
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString("TABLE_NAME") + ":" + tables.getString("TABLE_TYPE"));
                if (tables.getString("TABLE_NAME").equals("parent")) {
                    assertEquals("the parents", tables.getString("REMARKS"));
                }
            }
            assertTrue(names.containsAll(List.of("child:TABLE", "parent:TABLE", "v:VIEW", "parent_pkey:INDEX",
                    "parent_id_seq:SEQUENCE")), names.toString());
            assertEquals(List.of("child", "parent"), column(md.getTables(null, "jdbc_md", "%", new String[] {"TABLE"}),
                    "TABLE_NAME"));

            ResultSet cols = md.getColumns(null, "jdbc_md", "parent", "%");
            assertTrue(cols.next());
            assertEquals("id", cols.getString("COLUMN_NAME"));
            assertEquals(Types.BIGINT, cols.getInt("DATA_TYPE"));
            assertEquals("YES", cols.getString("IS_AUTOINCREMENT"));
            assertEquals(DatabaseMetaData.columnNoNulls, cols.getInt("NULLABLE"));
            assertTrue(cols.next());
            assertEquals("code", cols.getString(4));
            assertEquals(Types.VARCHAR, cols.getInt("DATA_TYPE"));
            assertEquals(12, cols.getInt("COLUMN_SIZE"));
            assertTrue(cols.next());
            assertEquals(Types.NUMERIC, cols.getInt("DATA_TYPE"));
            assertEquals(8, cols.getInt("COLUMN_SIZE"));
            assertEquals(2, cols.getInt("DECIMAL_DIGITS"));
            assertEquals("YES", cols.getString("IS_NULLABLE"));
            assertTrue(cols.next());
            assertEquals("now()", cols.getString("COLUMN_DEF"));
            assertEquals(4, cols.getInt("ORDINAL_POSITION"));
            assertFalse(cols.next());
            assertEquals(List.of("YES"), column(md.getColumns(null, "jdbc_md", "child", "n"), "IS_AUTOINCREMENT"));

            assertEquals(List.of("pid", "n"), column(md.getPrimaryKeys(null, "jdbc_md", "child"), "COLUMN_NAME"));
            ResultSet fk = md.getImportedKeys(null, "jdbc_md", "child");
            assertTrue(fk.next());
            assertEquals("parent", fk.getString("PKTABLE_NAME"));
            assertEquals("id", fk.getString("PKCOLUMN_NAME"));
            assertEquals("pid", fk.getString("FKCOLUMN_NAME"));
            assertEquals(DatabaseMetaData.importedKeyCascade, fk.getShort("DELETE_RULE"));
            assertEquals(DatabaseMetaData.importedKeyNoAction, fk.getShort("UPDATE_RULE"));
            assertEquals(1, fk.getShort("KEY_SEQ"));
            assertFalse(fk.next());
            assertEquals(List.of("child"), column(md.getExportedKeys(null, "jdbc_md", "parent"), "FKTABLE_NAME"));
            assertEquals(List.of("child"), column(md.getCrossReference(null, "jdbc_md", "parent", null, "jdbc_md", "child"),
                    "FKTABLE_NAME"));

            ResultSet idx = md.getIndexInfo(null, "jdbc_md", "parent", true, false);
            List<String> indexes = new ArrayList<>();
            while (idx.next()) {
                indexes.add(idx.getString("INDEX_NAME") + ":" + idx.getString("COLUMN_NAME") + ":"
                        + idx.getString("ASC_OR_DESC") + ":" + idx.getBoolean("NON_UNIQUE"));
            }
            assertEquals(List.of("parent_code:code:D:false", "parent_pkey:id:A:false"), indexes);

            assertTrue(column(md.getSchemas(), "TABLE_SCHEM").contains("jdbc_md"));
            assertTrue(column(md.getCatalogs(), "TABLE_CAT").contains(c.getCatalog()));
            assertTrue(column(md.getTableTypes(), "TABLE_TYPE").contains("TABLE"));
            List<String> types = column(md.getTypeInfo(), "TYPE_NAME");
            assertTrue(types.containsAll(List.of("int4", "text", "timestamptz", "uuid", "jsonb")), types.toString());
            assertEquals(List.of("f", "p"), column(md.getProcedures(null, "jdbc_md", "%"), "PROCEDURE_NAME"));
            assertEquals(List.of("f"), column(md.getFunctions(null, "jdbc_md", "%"), "FUNCTION_NAME"));
            assertEquals(List.of("returnValue", "x"), column(md.getFunctionColumns(null, "jdbc_md", "f", "%"), "COLUMN_NAME"));
            assertFalse(md.getVersionColumns(null, "jdbc_md", "parent").next());
            assertEquals(8, md.getVersionColumns(null, null, null).getMetaData().getColumnCount());
            assertEquals(List.of("id"), column(md.getBestRowIdentifier(null, "jdbc_md", "parent", 0, false), "COLUMN_NAME"));
        }
    }
}
