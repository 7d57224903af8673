/**
 * Extras in the manner of {@code psycopg2.extras}: {@link dev.pgreen.extras.LoggingConnection} and
 * {@link dev.pgreen.extras.LoggingCursor}, which log every query, and {@link dev.pgreen.extras.Batches}'
 * {@code executeBatch} and {@code executeValues}, for bulk statements in few round trips.
 */
package dev.pgreen.extras;
