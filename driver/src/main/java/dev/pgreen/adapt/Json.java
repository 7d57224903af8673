package dev.pgreen.adapt;

/**
 * JSON text, written as a {@code json} literal: {@code '{"a": 1}'::json}. The text is sent as it is; the server checks it.
 * A null text is SQL NULL. Reading a json column gives its text as a String unless a caster is registered.
 */
public final class Json extends TypedText {
    /**
     * Wraps a JSON text as a {@code json} value.
     *
     * @param text the text, sent as it is, or null for NULL
     */
    public Json(String text) {
        super(text, "json");
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
