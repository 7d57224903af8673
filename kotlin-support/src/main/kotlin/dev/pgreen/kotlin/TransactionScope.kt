package dev.pgreen.kotlin

import dev.pgreen.Connection
import dev.pgreen.Cursor
import dev.pgreen.Row
import kotlinx.coroutines.flow.Flow

/**
 * The receiver of [transaction]'s block: statements run on its [connection], inside the transaction, without
 * naming a cursor.
 *
 * ```
 * conn.transaction {
 *     execute("UPDATE fruit SET price = price + 1 WHERE id = %s", 7)
 *     execute("SELECT price FROM fruit WHERE id = %s", 7).fetchOne()!!.get<Int>("price")
 * }
 * ```
 */
public class TransactionScope internal constructor(
    /** The connection the transaction runs on. */
    public val connection: Connection,
) {
    /**
     * Runs [sql] (`%s` placeholders) with [args] on a new cursor of [connection] and returns it, its result
     * in memory ([Cursor.executeSuspending]).
     *
     * Cancellation: the statement is cancelled on the server and the connection drained, then the
     * [kotlinx.coroutines.CancellationException] is rethrown; [transaction] then rolls back.
     */
    public suspend fun execute(sql: String, vararg args: Any?): Cursor =
        connection.cursor().executeSuspending(sql, *args)

    /** As the vararg [execute], with `%(name)s` placeholders filled from [args]. Cancellation: the same. */
    public suspend fun execute(sql: String, args: Map<String, *>): Cursor =
        connection.cursor().executeSuspending(sql, args)

    /**
     * The rows of [sql] ([queryFlow] on [connection]), run when collected.
     *
     * Cancellation: as [queryFlow].
     */
    public fun query(sql: String, vararg args: Any?): Flow<Row> = connection.queryFlow(sql, *args)
}
