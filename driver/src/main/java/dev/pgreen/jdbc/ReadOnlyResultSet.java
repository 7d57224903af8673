package dev.pgreen.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;

/**
 * The half of {@link ResultSet} a read-only (CONCUR_READ_ONLY) result refuses: every update method.
 * Kept apart so that {@link JdbcResultSet} reads as what it does.
 */
abstract class ReadOnlyResultSet implements ResultSet {
    private static SQLFeatureNotSupportedException readOnly() {
        return new SQLFeatureNotSupportedException("the result set is read-only (CONCUR_READ_ONLY): "
                + "update it with an UPDATE statement", "0A000");
    }

    @Override public int getConcurrency() { return CONCUR_READ_ONLY; }
    @Override public boolean rowUpdated() { return false; }
    @Override public boolean rowInserted() { return false; }
    @Override public boolean rowDeleted() { return false; }

    @Override public void cancelRowUpdates() throws SQLException { throw readOnly(); }
    @Override public void deleteRow() throws SQLException { throw readOnly(); }
    @Override public void insertRow() throws SQLException { throw readOnly(); }
    @Override public void moveToCurrentRow() throws SQLException { throw readOnly(); }
    @Override public void moveToInsertRow() throws SQLException { throw readOnly(); }
    @Override public void refreshRow() throws SQLException { throw readOnly(); }
    @Override public void updateArray(String label, Array a1) throws SQLException { throw readOnly(); }
    @Override public void updateArray(int column, Array a1) throws SQLException { throw readOnly(); }
    @Override public void updateAsciiStream(String label, InputStream a1, int a2) throws SQLException { throw readOnly(); }
    @Override public void updateAsciiStream(String label, InputStream a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateAsciiStream(String label, InputStream a1) throws SQLException { throw readOnly(); }
    @Override public void updateAsciiStream(int column, InputStream a1, int a2) throws SQLException { throw readOnly(); }
    @Override public void updateAsciiStream(int column, InputStream a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateAsciiStream(int column, InputStream a1) throws SQLException { throw readOnly(); }
    @Override public void updateBigDecimal(String label, java.math.BigDecimal a1) throws SQLException { throw readOnly(); }
    @Override public void updateBigDecimal(int column, java.math.BigDecimal a1) throws SQLException { throw readOnly(); }
    @Override public void updateBinaryStream(String label, InputStream a1, int a2) throws SQLException { throw readOnly(); }
    @Override public void updateBinaryStream(String label, InputStream a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateBinaryStream(String label, InputStream a1) throws SQLException { throw readOnly(); }
    @Override public void updateBinaryStream(int column, InputStream a1, int a2) throws SQLException { throw readOnly(); }
    @Override public void updateBinaryStream(int column, InputStream a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateBinaryStream(int column, InputStream a1) throws SQLException { throw readOnly(); }
    @Override public void updateBlob(String label, InputStream a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateBlob(String label, InputStream a1) throws SQLException { throw readOnly(); }
    @Override public void updateBlob(String label, Blob a1) throws SQLException { throw readOnly(); }
    @Override public void updateBlob(int column, InputStream a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateBlob(int column, InputStream a1) throws SQLException { throw readOnly(); }
    @Override public void updateBlob(int column, Blob a1) throws SQLException { throw readOnly(); }
    @Override public void updateBoolean(String label, boolean a1) throws SQLException { throw readOnly(); }
    @Override public void updateBoolean(int column, boolean a1) throws SQLException { throw readOnly(); }
    @Override public void updateByte(String label, byte a1) throws SQLException { throw readOnly(); }
    @Override public void updateByte(int column, byte a1) throws SQLException { throw readOnly(); }
    @Override public void updateBytes(String label, byte[] a1) throws SQLException { throw readOnly(); }
    @Override public void updateBytes(int column, byte[] a1) throws SQLException { throw readOnly(); }
    @Override public void updateCharacterStream(String label, Reader a1, int a2) throws SQLException { throw readOnly(); }
    @Override public void updateCharacterStream(String label, Reader a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateCharacterStream(String label, Reader a1) throws SQLException { throw readOnly(); }
    @Override public void updateCharacterStream(int column, Reader a1, int a2) throws SQLException { throw readOnly(); }
    @Override public void updateCharacterStream(int column, Reader a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateCharacterStream(int column, Reader a1) throws SQLException { throw readOnly(); }
    @Override public void updateClob(String label, Reader a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateClob(String label, Reader a1) throws SQLException { throw readOnly(); }
    @Override public void updateClob(String label, Clob a1) throws SQLException { throw readOnly(); }
    @Override public void updateClob(int column, Reader a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateClob(int column, Reader a1) throws SQLException { throw readOnly(); }
    @Override public void updateClob(int column, Clob a1) throws SQLException { throw readOnly(); }
    @Override public void updateDate(String label, Date a1) throws SQLException { throw readOnly(); }
    @Override public void updateDate(int column, Date a1) throws SQLException { throw readOnly(); }
    @Override public void updateDouble(String label, double a1) throws SQLException { throw readOnly(); }
    @Override public void updateDouble(int column, double a1) throws SQLException { throw readOnly(); }
    @Override public void updateFloat(String label, float a1) throws SQLException { throw readOnly(); }
    @Override public void updateFloat(int column, float a1) throws SQLException { throw readOnly(); }
    @Override public void updateInt(String label, int a1) throws SQLException { throw readOnly(); }
    @Override public void updateInt(int column, int a1) throws SQLException { throw readOnly(); }
    @Override public void updateLong(String label, long a1) throws SQLException { throw readOnly(); }
    @Override public void updateLong(int column, long a1) throws SQLException { throw readOnly(); }
    @Override public void updateNCharacterStream(String label, Reader a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateNCharacterStream(String label, Reader a1) throws SQLException { throw readOnly(); }
    @Override public void updateNCharacterStream(int column, Reader a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateNCharacterStream(int column, Reader a1) throws SQLException { throw readOnly(); }
    @Override public void updateNClob(String label, Reader a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateNClob(String label, Reader a1) throws SQLException { throw readOnly(); }
    @Override public void updateNClob(String label, NClob a1) throws SQLException { throw readOnly(); }
    @Override public void updateNClob(int column, Reader a1, long a2) throws SQLException { throw readOnly(); }
    @Override public void updateNClob(int column, Reader a1) throws SQLException { throw readOnly(); }
    @Override public void updateNClob(int column, NClob a1) throws SQLException { throw readOnly(); }
    @Override public void updateNString(String label, String a1) throws SQLException { throw readOnly(); }
    @Override public void updateNString(int column, String a1) throws SQLException { throw readOnly(); }
    @Override public void updateNull(String label) throws SQLException { throw readOnly(); }
    @Override public void updateNull(int column) throws SQLException { throw readOnly(); }
    @Override public void updateObject(String label, Object a1, int a2) throws SQLException { throw readOnly(); }
    @Override public void updateObject(String label, Object a1) throws SQLException { throw readOnly(); }
    @Override public void updateObject(int column, Object a1, int a2) throws SQLException { throw readOnly(); }
    @Override public void updateObject(int column, Object a1) throws SQLException { throw readOnly(); }
    @Override public void updateRef(String label, Ref a1) throws SQLException { throw readOnly(); }
    @Override public void updateRef(int column, Ref a1) throws SQLException { throw readOnly(); }
    @Override public void updateRow() throws SQLException { throw readOnly(); }
    @Override public void updateRowId(String label, RowId a1) throws SQLException { throw readOnly(); }
    @Override public void updateRowId(int column, RowId a1) throws SQLException { throw readOnly(); }
    @Override public void updateSQLXML(String label, SQLXML a1) throws SQLException { throw readOnly(); }
    @Override public void updateSQLXML(int column, SQLXML a1) throws SQLException { throw readOnly(); }
    @Override public void updateShort(String label, short a1) throws SQLException { throw readOnly(); }
    @Override public void updateShort(int column, short a1) throws SQLException { throw readOnly(); }
    @Override public void updateString(String label, String a1) throws SQLException { throw readOnly(); }
    @Override public void updateString(int column, String a1) throws SQLException { throw readOnly(); }
    @Override public void updateTime(String label, Time a1) throws SQLException { throw readOnly(); }
    @Override public void updateTime(int column, Time a1) throws SQLException { throw readOnly(); }
    @Override public void updateTimestamp(String label, Timestamp a1) throws SQLException { throw readOnly(); }
    @Override public void updateTimestamp(int column, Timestamp a1) throws SQLException { throw readOnly(); }
}
