@file:JvmName("PgreenRows")

package dev.pgreen.kotlin

import dev.pgreen.Row
import dev.pgreen.errors.DataException

/**
 * The value of [column] as a [T]: `row.get<Int>("id")`, `row.get<String>("name")`. Numbers come as the
 * driver decodes them (`int4` as [Int], `int8` as [Long], `numeric` as [java.math.BigDecimal], ...).
 *
 * @throws DataException when the value is NULL (use [getOrNull] for nullable columns)
 * @throws ClassCastException when the value is of another type
 */
public inline fun <reified T : Any> Row.get(column: String): T =
    get(column, T::class.javaObjectType) ?: throw nullValue("column \"$column\"", T::class.java)

/** The value at [index] (from 0) as a [T]: `row.get<Int>(0)`; see the column-name [get]. */
public inline fun <reified T : Any> Row.get(index: Int): T =
    get(index, T::class.javaObjectType) ?: throw nullValue("column $index", T::class.java)

/**
 * The value of [column] as a [T], or null for SQL NULL: `row.getOrNull<String>("note")`.
 *
 * @throws ClassCastException when the value is of another type
 */
public inline fun <reified T : Any> Row.getOrNull(column: String): T? = get(column, T::class.javaObjectType)

/** The value at [index] (from 0) as a [T], or null for SQL NULL. */
public inline fun <reified T : Any> Row.getOrNull(index: Int): T? = get(index, T::class.javaObjectType)

/** The driver's error for a NULL asked for as a non-null type (published for the inline getters). */
@PublishedApi
internal fun nullValue(what: String, type: Class<*>): DataException =
    DataException("$what is NULL, which a non-null ${type.simpleName} cannot hold: use getOrNull")
