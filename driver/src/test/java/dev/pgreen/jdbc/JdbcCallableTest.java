package dev.pgreen.jdbc;

import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;

import static org.junit.jupiter.api.Assertions.*;

/** CallableStatement: {? = call f(?)}, OUT parameters of functions and procedures, set-returning functions. */
@ExtendWith(PgServerExtension.class)
class JdbcCallableTest {

    @Test
    void functionsAndProceduresAreCalledThroughTheEscapes(TestServer server) throws SQLException {
        try (Connection c = JdbcTesting.connect(server); Statement st = c.createStatement()) {
            st.execute("""
                    CREATE OR REPLACE FUNCTION jdbc_add(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT a + b';
                    CREATE OR REPLACE FUNCTION jdbc_split(x int, OUT half int, OUT rest int)
                      LANGUAGE sql AS 'SELECT x / 2, x % 2';
                    CREATE OR REPLACE FUNCTION jdbc_series(n int) RETURNS SETOF int LANGUAGE sql
                      AS 'SELECT generate_series(1, n)';
                    CREATE OR REPLACE PROCEDURE jdbc_proc(IN a int, INOUT b int, OUT c text)
                      LANGUAGE plpgsql AS $$ BEGIN b := a * b; c := 'done'; END $$;
                    """);
            try (CallableStatement cs = c.prepareCall("{? = call jdbc_add(?, ?)}")) {
                cs.registerOutParameter(1, Types.INTEGER);
                cs.setInt(2, 40);
                cs.setInt(3, 2);
                cs.execute();
                assertEquals(42, cs.getInt(1));
                assertFalse(cs.wasNull());
            }
            try (CallableStatement cs = c.prepareCall("{call jdbc_split(?, ?, ?)}")) {
                cs.setInt(1, 7);
                cs.registerOutParameter(2, Types.INTEGER);
                cs.registerOutParameter(3, Types.INTEGER);
                cs.execute();
                assertEquals(3, cs.getInt(2));
                assertEquals(1, cs.getObject(3));
            }
            try (CallableStatement cs = c.prepareCall("{call jdbc_proc(?, ?, ?)}")) {
                cs.setInt(1, 6);
                cs.setInt(2, 7);
                cs.registerOutParameter(2, Types.INTEGER);
                cs.registerOutParameter(3, Types.VARCHAR);
                cs.execute();
                assertEquals(42, cs.getInt(2));
                assertEquals("done", cs.getString(3));
            }
            try (CallableStatement cs = c.prepareCall("{call jdbc_series(?)}")) {
                cs.setInt(1, 3);
                ResultSet rs = cs.executeQuery();
                int sum = 0;
                while (rs.next()) {
                    sum += rs.getInt(1);
                }
                assertEquals(6, sum);
            }
            try (CallableStatement cs = c.prepareCall("SELECT jdbc_add(?, 1)")) {
                cs.setInt(1, 1);
                cs.registerOutParameter(1, Types.INTEGER);
                assertThrows(SQLException.class, () -> cs.setInt("a", 1), "no parameters by name");
            }
        }
    }
}
