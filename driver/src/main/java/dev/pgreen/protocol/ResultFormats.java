package dev.pgreen.protocol;

import dev.pgreen.protocol.BackendMessage.Field;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the format of each result column for Bind, once the columns are known: whoever reads the rows
 * decides which it can read in binary. Called when the Bind is written, inside the I/O step.
 */
@FunctionalInterface
public interface ResultFormats {
    /** Binary format, in Bind and in a {@link Field}. */
    short BINARY = 1;

    /** Each column's format (0 text, 1 binary), or null when every column stays text. */
    short[] choose(List<Field> fields);

    /** {@code fields} all in text: the same list when they are. */
    static List<Field> asText(List<Field> fields) {
        for (Field f : fields) {
            if (f.format() != 0) {
                return apply(fields, new short[fields.size()]);
            }
        }
        return fields;
    }

    /** {@code fields} as the rows of a Bind with {@code formats} arrive: each with its format; null stays null. */
    static List<Field> apply(List<Field> fields, short[] formats) {
        if (fields == null || formats == null) {
            return fields;
        }
        List<Field> out = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            out.add(new Field(f.name(), f.tableOid(), f.columnNumber(), f.typeOid(), f.typeSize(), f.typeModifier(),
                    formats[i]));
        }
        return List.copyOf(out);
    }
}
