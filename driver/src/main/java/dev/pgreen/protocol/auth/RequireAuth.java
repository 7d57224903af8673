package dev.pgreen.protocol.auth;

import dev.pgreen.errors.OperationalException;

import java.util.EnumSet;
import java.util.Set;

/**
 * libpq's {@code require_auth}: the authentication methods the client accepts from the server.
 * A list such as {@code scram-sha-256,md5} allows those methods only; a list of negated methods
 * ({@code !password,!md5}) allows every other one. {@code none} allows a server that asks for no
 * authentication at all (trust, cert); {@code !none} forbids it. With a positive list, a server
 * that ends the exchange before the client finished its part is refused too.
 */
public final class RequireAuth {

    /** The methods a server can ask for. */
    public enum Method {
        PASSWORD("password", "server requested a cleartext password"),
        MD5("md5", "server requested a hashed password"),
        GSS("gss", "server requested GSSAPI authentication"),
        SSPI("sspi", "server requested SSPI authentication"),
        SCRAM_SHA_256("scram-sha-256", "server requested SASL authentication");

        private final String setting;
        private final String request;

        Method(String setting, String request) {
            this.setting = setting;
            this.request = request;
        }

        static Method named(String setting) {
            for (Method m : values()) {
                if (m.setting.equals(setting)) {
                    return m;
                }
            }
            return null;
        }
    }

    /** No requirement: every method, and no authentication at all. */
    public static final RequireAuth ANY = new RequireAuth(null, EnumSet.allOf(Method.class), false);

    private final String setting;
    private final Set<Method> allowed;
    /** Whether the server must authenticate the client (no "none" in a positive list, or "!none"). */
    private final boolean authRequired;

    private RequireAuth(String setting, Set<Method> allowed, boolean authRequired) {
        this.setting = setting;
        this.allowed = allowed;
        this.authRequired = authRequired;
    }

    /**
     * Parses a {@code require_auth} value; null or empty means no requirement.
     *
     * @throws IllegalArgumentException with libpq's message for an unknown, repeated or mixed method
     */
    public static RequireAuth parse(String value) {
        if (value == null || value.isEmpty()) {
            return ANY;
        }
        String[] parts = value.split(",", -1);
        boolean negated = parts[0].startsWith("!");
        Set<Method> allowed = negated ? EnumSet.allOf(Method.class) : EnumSet.noneOf(Method.class);
        boolean authRequired = !negated;
        boolean noneSeen = false;
        for (String part : parts) {
            String method = part;
            if (part.startsWith("!")) {
                if (!negated) {
                    throw new IllegalArgumentException("negative require_auth method \"" + part
                            + "\" cannot be mixed with non-negative methods");
                }
                method = part.substring(1);
            } else if (negated) {
                throw new IllegalArgumentException("require_auth method \"" + part
                        + "\" cannot be mixed with negative methods");
            }
            if (method.equals("none")) {
                if (noneSeen) {
                    throw duplicate(part);
                }
                noneSeen = true;
                authRequired = negated;
                continue;
            }
            Method m = Method.named(method);
            if (m == null) {
                throw new IllegalArgumentException("invalid require_auth value: \"" + method + "\"");
            }
            if (negated ? !allowed.remove(m) : !allowed.add(m)) {
                throw duplicate(part);
            }
        }
        return new RequireAuth(value, allowed, authRequired);
    }

    private static IllegalArgumentException duplicate(String part) {
        // A repeated method probably hides a typo, in a setting where typos are risky.
        return new IllegalArgumentException("require_auth method \"" + part + "\" is specified more than once");
    }

    /** Refuses a server that asks for {@code method} when it is not allowed. */
    public void check(Method method) {
        if (!allowed.contains(method)) {
            throw failed(method.request);
        }
    }

    /** Refuses a server that asks for a method pgreen does not know (by its protocol code). */
    public void checkUnknown(int code) {
        Method m = switch (code) {
            case 7, 8 -> Method.GSS;
            case 9 -> Method.SSPI;
            default -> null;
        };
        if (m != null) {
            check(m);
        } else if (setting != null) {
            throw failed("server requested an unknown authentication type");
        }
    }

    /**
     * Refuses an AuthenticationOk that came before the client finished an exchange it requires
     * ({@code finished} is whether it sent its password or verified the server's SCRAM proof).
     */
    public void checkOk(boolean finished) {
        if (authRequired && !finished) {
            throw failed("server did not complete authentication");
        }
    }

    private OperationalException failed(String reason) {
        return new OperationalException("authentication method requirement \"" + setting + "\" failed: " + reason);
    }

    @Override
    public String toString() {
        return setting == null ? "any" : setting;
    }
}
