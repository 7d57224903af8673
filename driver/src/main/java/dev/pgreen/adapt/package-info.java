/**
 * Adaptation of Java values to SQL literals (psycopg2's {@code extensions} adapters): the wrappers
 * {@link dev.pgreen.adapt.AsIs}, {@link dev.pgreen.adapt.QuotedString}, {@link dev.pgreen.adapt.Binary},
 * {@link dev.pgreen.adapt.Json}, {@link dev.pgreen.adapt.Jsonb}, {@link dev.pgreen.adapt.Inet},
 * {@link dev.pgreen.adapt.Cidr} and {@link dev.pgreen.adapt.Range}, and the machinery behind
 * {@link dev.pgreen.Extensions#adapt(Object)}: {@link dev.pgreen.adapt.Adapters} (the registry and the SQL
 * each built-in writes), {@link dev.pgreen.adapt.QueryFormatter} (placeholders) and
 * {@link dev.pgreen.adapt.ServerParameters} (values bound as server-side parameters) and
 * {@link dev.pgreen.adapt.LiteralParameters} (the parameters that mean what a value's literal means).
 */
package dev.pgreen.adapt;
