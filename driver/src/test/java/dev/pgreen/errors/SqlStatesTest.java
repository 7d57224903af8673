package dev.pgreen.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlStatesTest {

    private static Diagnostics diagWithCode(String code) {
        Map<Character, String> fields = new HashMap<>();
        fields.put('S', "ERROR");
        fields.put('V', "ERROR");
        if (code != null) {
            fields.put('C', code);
        }
        fields.put('M', "boom");
        return new Diagnostics(fields);
    }

    /** One representative full SQLSTATE for every class of API.md section 8, with the class it must map to. */
    static Stream<Arguments> sqlStateClasses() {
        return Stream.of(
                // Data
                Arguments.of("02000", DataException.class),              // no_data
                Arguments.of("22012", DataException.class),              // division_by_zero
                Arguments.of("22P02", DataException.class),              // invalid_text_representation
                Arguments.of("22003", DataException.class),              // numeric_value_out_of_range
                // Operational
                Arguments.of("08006", OperationalException.class),       // connection_failure
                Arguments.of("08P01", OperationalException.class),       // protocol_violation
                Arguments.of("26000", OperationalException.class),       // invalid_sql_statement_name
                Arguments.of("27000", OperationalException.class),       // triggered_data_change_violation
                Arguments.of("28P01", OperationalException.class),       // invalid_password
                Arguments.of("34000", OperationalException.class),       // invalid_cursor_name
                Arguments.of("53300", OperationalException.class),       // too_many_connections
                Arguments.of("54001", OperationalException.class),       // statement_too_complex
                Arguments.of("55P03", OperationalException.class),       // lock_not_available
                Arguments.of("57P01", OperationalException.class),       // admin_shutdown
                Arguments.of("57P03", OperationalException.class),       // cannot_connect_now
                Arguments.of("58030", OperationalException.class),       // io_error
                Arguments.of("HV000", OperationalException.class),       // fdw_error
                Arguments.of("HV00N", OperationalException.class),       // fdw_unable_to_establish_connection
                // QueryCanceled, the one exact code
                Arguments.of("57014", QueryCanceledException.class),     // query_canceled
                // NotSupported
                Arguments.of("0A000", NotSupportedException.class),      // feature_not_supported
                // Programming
                Arguments.of("20000", ProgrammingException.class),       // case_not_found
                Arguments.of("21000", ProgrammingException.class),       // cardinality_violation
                Arguments.of("3D000", ProgrammingException.class),       // invalid_catalog_name
                Arguments.of("3F000", ProgrammingException.class),       // invalid_schema_name
                Arguments.of("42P01", ProgrammingException.class),       // undefined_table
                Arguments.of("42601", ProgrammingException.class),       // syntax_error
                Arguments.of("42703", ProgrammingException.class),       // undefined_column
                Arguments.of("44000", ProgrammingException.class),       // with_check_option_violation
                // Integrity
                Arguments.of("23505", IntegrityException.class),         // unique_violation
                Arguments.of("23503", IntegrityException.class),         // foreign_key_violation
                Arguments.of("23502", IntegrityException.class),         // not_null_violation
                Arguments.of("23514", IntegrityException.class),         // check_violation
                // Internal
                Arguments.of("24000", InternalException.class),          // invalid_cursor_state
                Arguments.of("25P02", InternalException.class),          // in_failed_sql_transaction
                Arguments.of("25006", InternalException.class),          // read_only_sql_transaction
                Arguments.of("2BP01", InternalException.class),          // dependent_objects_still_exist
                Arguments.of("2D000", InternalException.class),          // invalid_transaction_termination
                Arguments.of("2F005", InternalException.class),          // function_executed_no_return_statement
                Arguments.of("38001", InternalException.class),          // containing_sql_not_permitted
                Arguments.of("39P01", InternalException.class),          // trigger_protocol_violated
                Arguments.of("3B001", InternalException.class),          // invalid_savepoint_specification
                Arguments.of("F0000", InternalException.class),          // config_file_error
                Arguments.of("P0001", InternalException.class),          // raise_exception
                Arguments.of("XX000", InternalException.class),          // internal_error
                Arguments.of("XX001", InternalException.class),          // data_corrupted
                // TransactionRollback
                Arguments.of("40001", TransactionRollbackException.class), // serialization_failure
                Arguments.of("40P01", TransactionRollbackException.class), // deadlock_detected
                Arguments.of("40002", TransactionRollbackException.class), // transaction_integrity_constraint_violation
                // anything else: exactly DatabaseException
                Arguments.of("01000", DatabaseException.class),          // warning
                Arguments.of("00000", DatabaseException.class),          // successful_completion
                Arguments.of("03000", DatabaseException.class),          // sql_statement_not_yet_complete
                Arguments.of("09000", DatabaseException.class),          // triggered_action_exception
                Arguments.of("0B000", DatabaseException.class),          // invalid_transaction_initiation
                Arguments.of("0F000", DatabaseException.class),          // locator_exception
                Arguments.of("0L000", DatabaseException.class),          // invalid_grantor
                Arguments.of("0P000", DatabaseException.class),          // invalid_role_specification
                Arguments.of("0Z000", DatabaseException.class),          // diagnostics_exception
                Arguments.of("ZZ000", DatabaseException.class),
                Arguments.of("5", DatabaseException.class),              // too short to have a class
                Arguments.of("", DatabaseException.class));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("sqlStateClasses")
    void mapsSqlStateClassToExceptionClass(String code, Class<? extends DatabaseException> expected) {
        Diagnostics diag = diagWithCode(code);
        DatabaseException e = SqlStates.toException("boom", diag);
        assertSame(expected, e.getClass(), "exact class for " + code);
        assertEquals(code, e.sqlState());
        assertSame(diag, e.diag());
        assertEquals("boom", e.getMessage());
        assertNull(e.getCause());
    }

    @ParameterizedTest
    @NullSource
    void missingSqlStateIsPlainDatabaseException(String code) {
        DatabaseException e = SqlStates.toException("no code", diagWithCode(code));
        assertSame(DatabaseException.class, e.getClass());
        assertNull(e.sqlState());
    }

    @Test
    void emptyDiagnosticsIsPlainDatabaseException() {
        DatabaseException e = SqlStates.toException("empty", Diagnostics.EMPTY);
        assertSame(DatabaseException.class, e.getClass());
        assertNull(e.sqlState());
        assertSame(Diagnostics.EMPTY, e.diag());
    }

    @ParameterizedTest
    @ValueSource(strings = {"57000", "57P01", "57P02", "57P03", "57P04", "57P05", "57015"})
    void otherClass57CodesAreOperationalButNotQueryCanceled(String code) {
        DatabaseException e = SqlStates.toException("x", diagWithCode(code));
        assertSame(OperationalException.class, e.getClass());
        assertFalse(e instanceof QueryCanceledException);
    }

    /** Every field type of an ErrorResponse, keyed by its protocol byte, with its accessor. */
    static Stream<Arguments> diagnosticFields() {
        return Stream.of(
                Arguments.of('S', "ERREUR", (Function<Diagnostics, String>) Diagnostics::severity),
                Arguments.of('V', "ERROR", (Function<Diagnostics, String>) Diagnostics::severityNonLocalized),
                Arguments.of('C', "23505", (Function<Diagnostics, String>) Diagnostics::sqlState),
                Arguments.of('M', "duplicate key value violates unique constraint \"t_pkey\"",
                        (Function<Diagnostics, String>) Diagnostics::messagePrimary),
                Arguments.of('D', "Key (id)=(1) already exists.", (Function<Diagnostics, String>) Diagnostics::detail),
                Arguments.of('H', "Try something else.", (Function<Diagnostics, String>) Diagnostics::hint),
                Arguments.of('P', "15", (Function<Diagnostics, String>) Diagnostics::position),
                Arguments.of('p', "3", (Function<Diagnostics, String>) Diagnostics::internalPosition),
                Arguments.of('q', "SELECT 1/0", (Function<Diagnostics, String>) Diagnostics::internalQuery),
                Arguments.of('W', "PL/pgSQL function f() line 3 at RAISE",
                        (Function<Diagnostics, String>) Diagnostics::context),
                Arguments.of('s', "public", (Function<Diagnostics, String>) Diagnostics::schema),
                Arguments.of('t', "t", (Function<Diagnostics, String>) Diagnostics::table),
                Arguments.of('c', "id", (Function<Diagnostics, String>) Diagnostics::column),
                Arguments.of('d', "posint", (Function<Diagnostics, String>) Diagnostics::dataType),
                Arguments.of('n', "t_pkey", (Function<Diagnostics, String>) Diagnostics::constraint),
                Arguments.of('F', "nbtinsert.c", (Function<Diagnostics, String>) Diagnostics::sourceFile),
                Arguments.of('L', "666", (Function<Diagnostics, String>) Diagnostics::sourceLine),
                Arguments.of('R', "_bt_check_unique", (Function<Diagnostics, String>) Diagnostics::sourceFunction));
    }

    private static Map<Character, String> allFields() {
        Map<Character, String> fields = new LinkedHashMap<>();
        diagnosticFields().forEach(a -> fields.put((Character) a.get()[0], (String) a.get()[1]));
        return fields;
    }

    @ParameterizedTest(name = "field {0}")
    @MethodSource("diagnosticFields")
    void diagnosticsAccessorReturnsItsField(char type, String value, Function<Diagnostics, String> accessor) {
        Map<Character, String> fields = allFields();
        DatabaseException e = SqlStates.toException("msg", new Diagnostics(fields));
        assertInstanceOf(IntegrityException.class, e);
        assertEquals(value, accessor.apply(e.diag()));
        assertEquals(value, e.diag().get(type));
        assertEquals(fields, e.diag().fields());
        assertEquals("23505", e.sqlState());
    }

    @ParameterizedTest(name = "field {0} absent")
    @MethodSource("diagnosticFields")
    void diagnosticsAccessorIsNullWhenTheServerSentNothing(char type, String value,
            Function<Diagnostics, String> accessor) {
        assertNull(accessor.apply(Diagnostics.EMPTY));
        Map<Character, String> fields = allFields();
        fields.remove(type);
        Diagnostics diag = new Diagnostics(fields);
        assertNull(accessor.apply(diag));
        assertNull(diag.get(type));
    }

    @Test
    void diagnosticsFieldsAreUnmodifiable() {
        Diagnostics diag = new Diagnostics(allFields());
        assertThrows(UnsupportedOperationException.class, () -> diag.fields().put('M', "changed"));
        assertThrows(UnsupportedOperationException.class, () -> Diagnostics.EMPTY.fields().put('M', "x"));
    }

    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "08006, ERROR, true",     // connection_failure
            "08003, ERROR, true",     // connection_does_not_exist
            "08P01, ERROR, true",     // protocol_violation
            "57P01, ERROR, true",     // admin_shutdown
            "57P01, FATAL, true",
            "57P02, ERROR, true",     // crash_shutdown
            "57P03, ERROR, true",     // cannot_connect_now
            "57P05, ERROR, true",     // idle_session_timeout
            "28P01, FATAL, true",     // a failed login is FATAL
            "XX000, PANIC, true",
            "null, FATAL, true",
            "null, PANIC, true",
            "57014, ERROR, false",    // a cancelled query leaves the connection usable
            "42P01, ERROR, false",
            "23505, ERROR, false",
            "40001, ERROR, false",
            "25P02, ERROR, false",
            "22012, ERROR, false",
            "01000, WARNING, false",
            "null, ERROR, false",
            "null, null, false",
            "42601, null, false"})
    void isFatalForConnection(String code, String severity, boolean fatal) {
        assertEquals(fatal, SqlStates.isFatalForConnection(code, severity));
    }

    @Test
    void hierarchy() {
        assertTrue(RuntimeException.class.isAssignableFrom(PgException.class));
        assertTrue(PgException.class.isAssignableFrom(DatabaseException.class));
        assertTrue(PgException.class.isAssignableFrom(InterfaceException.class));
        assertFalse(DatabaseException.class.isAssignableFrom(InterfaceException.class));
        assertFalse(InterfaceException.class.isAssignableFrom(DatabaseException.class));
        for (Class<?> c : List.of(DataException.class, OperationalException.class, IntegrityException.class,
                InternalException.class, ProgrammingException.class, NotSupportedException.class)) {
            assertSame(DatabaseException.class, c.getSuperclass(), c.getName());
        }
        assertSame(OperationalException.class, QueryCanceledException.class.getSuperclass());
        assertSame(OperationalException.class, TransactionRollbackException.class.getSuperclass());
        assertSame(RuntimeException.class, PgException.class.getSuperclass());
        assertSame(PgException.class, DatabaseException.class.getSuperclass());
        assertSame(PgException.class, InterfaceException.class.getSuperclass());

        Object canceled = new QueryCanceledException("canceling statement due to user request");
        assertInstanceOf(OperationalException.class, canceled);
        assertInstanceOf(DatabaseException.class, canceled);
        assertInstanceOf(PgException.class, canceled);
        assertInstanceOf(RuntimeException.class, canceled);
        Object iface = new InterfaceException("connection already closed");
        assertInstanceOf(PgException.class, iface);
        assertFalse(iface instanceof DatabaseException);
    }

    static Stream<PgException> clientErrors() {
        Throwable cause = new IllegalStateException("cause");
        return Stream.of(
                new PgException("x"),
                new PgException("x", cause),
                new PgException("x", cause, null),
                new InterfaceException("connection already closed"),
                new InterfaceException("closed", cause),
                new DatabaseException("x"),
                new DataException("a string literal cannot contain NUL"),
                new DataException("x", cause),
                new OperationalException("timeout"),
                new QueryCanceledException("interrupted"),
                new TransactionRollbackException("x"),
                new IntegrityException("x"),
                new InternalException("x"),
                new NotSupportedException("x"),
                new ProgrammingException("not enough arguments"),
                new ProgrammingException("x", cause));
    }

    @ParameterizedTest
    @MethodSource("clientErrors")
    void clientErrorsHaveNullSqlStateAndEmptyDiagnostics(PgException e) {
        assertNull(e.sqlState());
        assertNotNull(e.diag());
        assertTrue(e.diag().fields().isEmpty());
        assertNull(e.diag().messagePrimary());
        assertNull(e.diag().severity());
    }

    @Test
    void causeAndMessageAreKept() {
        Throwable cause = new java.io.IOException("reset");
        Diagnostics diag = diagWithCode("08006");
        var e = new OperationalException("server closed the connection", cause, diag);
        assertSame(cause, e.getCause());
        assertEquals("server closed the connection", e.getMessage());
        assertEquals("08006", e.sqlState());
        assertSame(diag, e.diag());
    }
}
