package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Text sent as a literal of a named type, {@code 'text'::type}, quoted like any
 * string: the wrappers for json, jsonb, inet and cidr. A null text is SQL NULL.
 */
public abstract class TypedText implements SqlQuote {
    private final String text;
    private final String typeName;
    private final QuotedString quoted;

    /**
     * Text to send as a literal of {@code typeName}.
     *
     * @param text the value's text, or null for NULL
     * @param typeName the SQL type the literal is cast to, written as it is
     */
    protected TypedText(String text, String typeName) {
        this.text = text;
        this.typeName = typeName;
        this.quoted = new QuotedString(text);
    }

    /**
     * The text as given.
     *
     * @return the text, or null for SQL NULL
     */
    protected final String value() {
        return text;
    }

    @Override
    public void prepare(Connection conn) {
        quoted.prepare(conn);
    }

    @Override
    public byte[] getQuoted() {
        String literal = text == null ? "NULL" : new String(quoted.getQuoted(), StandardCharsets.UTF_8);
        return (literal + "::" + typeName).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Objects.equals(text, ((TypedText) o).text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), text);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + text + ")";
    }
}
