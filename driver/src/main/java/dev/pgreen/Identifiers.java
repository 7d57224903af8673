package dev.pgreen;

import dev.pgreen.errors.ProgrammingException;

/** Quoting of SQL identifiers (table and column names) the driver puts into statements it builds. */
final class Identifiers {
    private Identifiers() {}

    /** A double-quoted identifier, with embedded quotes doubled. */
    static String quote(String name) {
        if (name == null || name.isEmpty()) {
            throw new ProgrammingException("an identifier cannot be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new ProgrammingException("an identifier cannot contain NUL characters");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * A possibly schema-qualified name: plain lowercase parts ({@code public.t}) are kept as written,
     * so existing schema-qualified names work, and anything else is quoted.
     */
    static String quoteQualified(String name) {
        if (name != null && name.matches("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)?")) {
            return name;
        }
        return quote(name);
    }
}
