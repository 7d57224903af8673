package dev.pgreen.adapt;

/**
 * A host or network address, written as an {@code inet} literal: {@code '192.168.0.1/24'::inet}.
 * A null address is SQL NULL. Reading an inet column gives its text as a String unless a caster is registered.
 */
public final class Inet extends TypedText {
    /**
     * Wraps a host or network address as a {@code inet} value.
     *
     * @param address the host or network address, or null for NULL
     */
    public Inet(String address) {
        super(address, "inet");
    }

    /**
     * The wrapped host or network address.
     *
     * @return the address given, or null
     */
    public String address() {
        return value();
    }
}
