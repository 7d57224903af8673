/**
 * pgreen's core API, psycopg2's spelled the Java way: {@link dev.pgreen.Pgreen} connects;
 * {@link dev.pgreen.Connection} and {@link dev.pgreen.Cursor} run queries and fetch {@link dev.pgreen.Row}s;
 * {@link dev.pgreen.WaitCallback} is the one seam through which every wait on the server goes;
 * {@link dev.pgreen.Extensions} adapts Java values to SQL and typecasts SQL values to Java; and
 * {@link dev.pgreen.Pipeline} and {@link dev.pgreen.AsyncCopy} cover pipeline mode and COPY on asynchronous
 * connections. Connections are thread-safe; cursors are not. Every exception is unchecked
 * ({@link dev.pgreen.errors}).
 */
package dev.pgreen;
