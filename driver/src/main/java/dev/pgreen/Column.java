package dev.pgreen;

/**
 * One column of a result (an item of DB-API's {@code description}). Sizes,
 * precision and scale are -1 where they are unknown or do not apply.
 */
public record Column(String name, int typeCode, int displaySize, int internalSize, int precision, int scale,
                     Boolean nullOk) {
}
