package dev.pgreen.jdbc;

import dev.pgreen.Cursor;
import dev.pgreen.Row;
import dev.pgreen.Typecaster;
import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.typecast.PlainDecimals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A row kept as the server sent it: {@code getString} is its text, {@code getInt} parses the digits in
 * place, and only {@code getObject} and the date/time getters run the column's typecaster.
 */
final class TextRow extends Row {
    private static final Object[] NO_VALUES = new Object[0];
    private final DataRow raw;
    private final Typecaster[] casters;
    private final Cursor cursor;
    private final Map<String, Integer> columnIndex;

    TextRow(DataRow raw, Typecaster[] casters, Cursor cursor, Map<String, Integer> columnIndex) {
        super(NO_VALUES, columnIndex);
        this.raw = raw;
        this.casters = casters;
        this.cursor = cursor;
        this.columnIndex = columnIndex;
    }

    boolean isNull(int i) {
        return raw.isNull(checked(i));
    }

    /** The value's text as the server wrote it, or null. */
    String text(int i) {
        return raw.isNull(checked(i)) ? null : new String(raw.body(), raw.start(i), raw.length(i),
                StandardCharsets.UTF_8);
    }

    /**
     * The value as a long when its text is a plain integer (what int2/4/8 columns send), parsed in place;
     * {@code fallback} when it is anything else (the caller then parses the text).
     */
    long longOr(int i, long fallback) {
        int len = raw.length(checked(i));
        int p = raw.start(i);
        byte[] b = raw.body();
        if (len <= 0 || len > 19) {
            return fallback;
        }
        boolean negative = b[p] == '-';
        int end = p + len;
        if (negative && ++p == end) {
            return fallback;
        }
        long v = 0;
        for (; p < end; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return fallback;
            }
            v = v * 10 + d;
        }
        return v < 0 ? fallback : negative ? -v : v;
    }

    /**
     * The value as a BigDecimal when its text is a plain decimal of at most 36 digits, read in place
     * ({@link PlainDecimals#parse}); null when the text is anything else (the caller then parses it).
     */
    BigDecimal decimalOr(int i) {
        int len = raw.length(checked(i));
        return PlainDecimals.parse(raw.body(), raw.start(i), len);
    }

    /** PostgreSQL's boolean output, read in place: TRUE or FALSE for {@code t} or {@code f}, else null. */
    Boolean tf(int i) {
        if (raw.length(checked(i)) != 1) {
            return null;
        }
        byte b = raw.body()[raw.start(i)];
        return b == 't' ? Boolean.TRUE : b == 'f' ? Boolean.FALSE : null;
    }

    /** The value typecast as pgreen casts it (API.md section 5), or null. */
    @Override
    public Object get(int i) {
        checked(i);
        return casters[i].cast(raw.body(), raw.start(i), raw.length(i), cursor);
    }

    @Override
    public Object get(String column) {
        Integer i = columnIndex.get(column);
        if (i == null) {
            throw new IllegalArgumentException("no column named \"" + column + "\" in " + columnIndex.keySet());
        }
        return get(i);
    }

    @Override
    public int size() {
        return raw.size();
    }

    @Override
    public List<Object> toList() {
        List<Object> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(get(i));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && toList().equals(r.toList());
    }

    @Override
    public int hashCode() {
        return toList().hashCode();
    }

    @Override
    public String toString() {
        return toList().toString();
    }

    private int checked(int i) {
        if (i < 0 || i >= raw.size()) {
            throw new IndexOutOfBoundsException("column index " + i + " out of range for a row of " + raw.size());
        }
        return i;
    }
}
