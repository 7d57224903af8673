package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * JSON text, written as a {@code json} literal: {@code '{"a": 1}'::json}. The text is sent as it is; the server checks it.
 * A null text is SQL NULL. Reading a json column gives its text as a String unless a caster is registered.
 */
public final class Json implements SqlQuote {
    private final String text;
    private final QuotedString quoted;

    public Json(String text) {
        this.text = text;
        this.quoted = new QuotedString(text);
    }

    public String text() {
        return text;
    }

    @Override
    public void prepare(Connection conn) {
        quoted.prepare(conn);
    }

    @Override
    public byte[] getQuoted() {
        return (text == null ? "NULL" : new String(quoted.getQuoted(), StandardCharsets.UTF_8)).concat("::json")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Json other && Objects.equals(text, other.text);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(text);
    }

    @Override
    public String toString() {
        return "Json(" + text + ")";
    }
}
