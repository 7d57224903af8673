/**
 * The exceptions pgreen raises, all unchecked, in psycopg2's hierarchy: {@link dev.pgreen.errors.PgException}
 * at the root; {@link dev.pgreen.errors.InterfaceException} for the driver's own errors;
 * {@link dev.pgreen.errors.DatabaseException} and its subclasses for the server's errors, chosen from the
 * SQLSTATE by {@link dev.pgreen.errors.SqlStates}. A server error carries every field of the server's
 * ErrorResponse in {@link dev.pgreen.errors.Diagnostics}.
 */
package dev.pgreen.errors;
