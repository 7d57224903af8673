package dev.pgreen.adapt;

/**
 * A network address, written as a {@code cidr} literal: {@code '10.0.0.0/8'::cidr}.
 * A null address is SQL NULL. Reading a cidr column gives its text as a String unless a caster is registered.
 */
public final class Cidr extends TypedText {
    /**
     * Wraps a network address as a {@code cidr} value.
     *
     * @param address the network address, or null for NULL
     */
    public Cidr(String address) {
        super(address, "cidr");
    }

    /**
     * The wrapped network address.
     *
     * @return the address given, or null
     */
    public String address() {
        return value();
    }
}
