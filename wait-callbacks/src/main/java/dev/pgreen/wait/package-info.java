/**
 * Wait callbacks for pgreen: {@link dev.pgreen.wait.SelectWait}, psycopg2's {@code wait_select} over a
 * {@link java.nio.channels.Selector}, and {@link dev.pgreen.wait.DeadlineWait}, which cancels an operation's
 * statement on the server when it waits past a budget. Register one with
 * {@code Pgreen.setWaitCallback(new SelectWait())} or per connection.
 */
package dev.pgreen.wait;
