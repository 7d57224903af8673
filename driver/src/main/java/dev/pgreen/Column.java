package dev.pgreen;

/**
 * One column of a result (an item of DB-API's {@code description}, {@link Cursor#description()}). Sizes,
 * precision and scale are -1 where they are unknown or do not apply.
 *
 * @param name the column's name, as the server labels it
 * @param typeCode the OID of the column's type (23 for int4, 25 for text, 600 for point...)
 * @param displaySize the most characters a value may take, for types that bound it, else -1
 * @param internalSize the size of the type on the server in bytes, or -1 for a variable-size type
 * @param precision the total digits of a numeric, or the length of a varchar or char, else -1
 * @param scale the digits after the decimal point of a numeric, else -1
 * @param nullOk whether the column may hold NULL; null as the protocol does not tell (as in psycopg2)
 */
public record Column(String name, int typeCode, int displaySize, int internalSize, int precision, int scale,
                     Boolean nullOk) {
}
