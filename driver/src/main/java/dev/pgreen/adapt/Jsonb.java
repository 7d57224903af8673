package dev.pgreen.adapt;

/**
 * JSON text, written as a {@code jsonb} literal: {@code '{"a": 1}'::jsonb}. The text is sent as it is; the server checks it.
 * A null text is SQL NULL. Reading a jsonb column gives its text as a String unless a caster is registered.
 */
public final class Jsonb extends TypedText {
    /**
     * Wraps a JSON text as a {@code jsonb} value.
     *
     * @param text the text, sent as it is, or null for NULL
     */
    public Jsonb(String text) {
        super(text, "jsonb");
    }

    /**
     * The wrapped JSON text.
     *
     * @return the text given, or null
     */
    public String text() {
        return value();
    }
}
