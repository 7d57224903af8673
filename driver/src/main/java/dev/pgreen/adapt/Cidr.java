package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A network address, written as a {@code cidr} literal: {@code '10.0.0.0/8'::cidr}.
 * A null address is SQL NULL. Reading a cidr column gives its text as a String unless a caster is registered.
 */
public final class Cidr implements SqlQuote {
    private final String address;
    private final QuotedString quoted;

    public Cidr(String address) {
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
        return (address == null ? "NULL" : new String(quoted.getQuoted(), StandardCharsets.UTF_8)).concat("::cidr")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && Objects.equals(address, other.address);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(address);
    }

    @Override
    public String toString() {
        return "Cidr(" + address + ")";
    }
}
