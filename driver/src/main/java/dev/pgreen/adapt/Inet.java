package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A host or network address, written as an {@code inet} literal: {@code '192.168.0.1/24'::inet}.
 * A null address is SQL NULL. Reading an inet column gives its text as a String unless a caster is registered.
 */
public final class Inet implements SqlQuote {
    private final String address;
    private final QuotedString quoted;

    public Inet(String address) {
        this.address = address;
        this.quoted = new QuotedString(address);
    }

    public String address() {
        return address;
    }

    @Override
    public void prepare(Connection conn) {
        quoted.prepare(conn);
    }

    @Override
    public byte[] getQuoted() {
        return (address == null ? "NULL" : new String(quoted.getQuoted(), StandardCharsets.UTF_8)).concat("::inet")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Inet other && Objects.equals(address, other.address);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(address);
    }

    @Override
    public String toString() {
        return "Inet(" + address + ")";
    }
}
