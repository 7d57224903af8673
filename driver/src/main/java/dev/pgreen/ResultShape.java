package dev.pgreen;

import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.typecast.Oids;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a result as a cursor shows them: DB-API's description and each name's first position. They
 * follow from the fields alone, so a connection makes them once per shape ({@link Connection#resultShape}) and
 * every result of that shape, whichever cursor holds it, shares them.
 */
record ResultShape(List<Field> fields, List<Column> description, Map<String, Integer> columnIndex) {

    static ResultShape of(List<Field> fields) {
        Map<String, Integer> index = new HashMap<>();
        List<Column> columns = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            index.putIfAbsent(f.name(), i);
            columns.add(column(f));
        }
        return new ResultShape(fields, Collections.unmodifiableList(columns), Collections.unmodifiableMap(index));
    }

    /** This shape for {@code fields}, the same columns in other formats. */
    ResultShape as(List<Field> fields) {
        return new ResultShape(fields, description, columnIndex);
    }

    private static Column column(Field f) {
        int precision = -1;
        int scale = -1;
        int fmod = f.typeModifier() > 0 ? f.typeModifier() - 4 : f.typeModifier();
        if (f.typeOid() == Oids.NUMERIC && f.typeModifier() >= 4) {
            precision = (fmod >> 16) & 0xffff;
            scale = fmod & 0xffff;
        }
        // As psycopg2: a variable-length type reports its declared maximum (numeric: its precision).
        int internalSize = f.typeSize();
        if (internalSize == -1) {
            internalSize = f.typeOid() == Oids.NUMERIC ? (fmod < 0 ? -1 : fmod >> 16) : fmod;
        }
        return new Column(f.name(), f.typeOid(), -1, internalSize, precision, scale, null);
    }
}
