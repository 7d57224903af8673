package dev.pgreen.protocol;

import dev.pgreen.errors.Diagnostics;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.protocol.BackendMessage.*;
import dev.pgreen.protocol.auth.Md5Password;
import dev.pgreen.protocol.auth.RequireAuth;
import dev.pgreen.protocol.auth.RequireAuth.Method;
import dev.pgreen.protocol.auth.ScramSha256;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Start-up: the StartupMessage, authentication, then the server's parameters
 * and key until the first ReadyForQuery. Every failure is an
 * {@link OperationalException}, as psycopg2 raises for a failed connect.
 *
 * <p>{@code channel_binding} (libpq's {@code disable prefer require}) decides between
 * SCRAM-SHA-256-PLUS and SCRAM-SHA-256; the binding data comes from the connection below,
 * which is the only thing here that knows whether it is encrypted. With {@code require}, an
 * authentication that is not SCRAM-PLUS is refused before any password leaves.
 */
public final class StartupOperation implements Operation {
    private final Map<String, String> parameters;
    private final String user;
    private final String password;
    private final RequireAuth requireAuth;
    private final String channelBinding;
    private final Supplier<byte[]> serverEndPoint;
    private ScramSha256 scram;
    /** Whether the client finished its part of an authentication exchange (libpq's client_finished_auth). */
    private boolean finishedAuth;
    private PgException error;

    /** A start-up without channel binding (as {@code channel_binding=disable}). */
    public StartupOperation(Map<String, String> parameters, String user, String password) {
        this(parameters, user, password, RequireAuth.ANY, "disable", () -> null);
    }

    /** A start-up that refuses a server asking for an authentication method {@code requireAuth} does not allow. */
    public StartupOperation(Map<String, String> parameters, String user, String password, RequireAuth requireAuth) {
        this(parameters, user, password, requireAuth, "disable", () -> null);
    }

    /**
     * @param channelBinding {@code disable}, {@code prefer} or {@code require}
     * @param serverEndPoint the tls-server-end-point data of the connection (RFC 5929), null when it is not encrypted
     */
    public StartupOperation(Map<String, String> parameters, String user, String password,
                            String channelBinding, Supplier<byte[]> serverEndPoint) {
        this(parameters, user, password, RequireAuth.ANY, channelBinding, serverEndPoint);
    }

    /** With both {@code require_auth} and {@code channel_binding}. */
    public StartupOperation(Map<String, String> parameters, String user, String password, RequireAuth requireAuth,
                            String channelBinding, Supplier<byte[]> serverEndPoint) {
        this.parameters = parameters;
        this.user = user;
        this.password = password;
        this.requireAuth = requireAuth;
        this.channelBinding = channelBinding;
        this.serverEndPoint = serverEndPoint;
    }

    /** Forgets a failed run, to start again on a new connection (the transport's second attempt). */
    public void restart() {
        scram = null;
        error = null;
        finishedAuth = false;
    }

    @Override
    public void start(FrontendEncoder out) {
        out.startup(parameters);
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case AuthenticationOk ok -> {
                requireAuth.checkOk(finishedAuth);
                if (requireBinding() && (scram == null || !scram.isChannelBound())) {
                    throw bindingRefused("channel binding required, but server authenticated client without channel binding");
                }
            }
            case AuthenticationCleartextPassword p -> {
                requireAuth.check(Method.PASSWORD);
                refuseWithoutBinding();
                out.password(requirePassword().getBytes(StandardCharsets.UTF_8));
                finishedAuth = true;
            }
            case AuthenticationMd5Password p -> {
                requireAuth.check(Method.MD5);
                refuseWithoutBinding();
                out.password(Md5Password.encode(user, requirePassword(), p.salt()));
                finishedAuth = true;
            }
            case AuthenticationSasl sasl -> {
                requireAuth.check(Method.SCRAM_SHA_256);
                scram = scram(sasl.mechanisms());
                out.saslInitialResponse(scram.mechanism(), scram.clientFirstMessage());
            }
            case AuthenticationSaslContinue c -> out.saslResponse(requireScram().clientFinalMessage(c.data()));
            case AuthenticationSaslFinal f -> {
                requireScram().verifyServerFinal(f.data());
                finishedAuth = true;
            }
            case AuthenticationUnsupported u -> {
                requireAuth.checkUnknown(u.code());
                refuseWithoutBinding();
                throw new OperationalException("authentication method " + u.code() + " not supported");
            }
            case BackendKeyData k -> { }
            case NegotiateProtocolVersion v -> { }
            case ErrorResponse e -> {
                Diagnostics diag = new Diagnostics(e.fields());
                error = new OperationalException(ServerErrors.message(diag), null, diag);
                return true;
            }
            case ReadyForQuery z -> {
                return true;
            }
            default -> throw new OperationalException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " during start-up");
        }
        return false;
    }

    /** Chooses the mechanism as libpq does: PLUS whenever the connection is encrypted and it is offered. */
    private ScramSha256 scram(java.util.List<String> mechanisms) {
        boolean plusOffered = mechanisms.contains(ScramSha256.MECHANISM_PLUS);
        byte[] binding = channelBinding.equals("disable") ? null : serverEndPoint.get();
        if (plusOffered && binding == null && !channelBinding.equals("disable")) {
            // A proxy may have stripped TLS: the server would reject SCRAM without binding anyway.
            throw new OperationalException("server offered SCRAM-SHA-256-PLUS authentication over a non-SSL connection");
        }
        if (requireBinding() && binding == null) {
            throw bindingRefused("channel binding is required, but the connection is not encrypted (SSL is not in use)");
        }
        if (plusOffered && binding != null) {
            return ScramSha256.plus(requirePassword(), binding);
        }
        if (requireBinding()) {
            throw bindingRefused("channel binding is required, but the server did not offer an authentication "
                    + "method that supports channel binding (SCRAM-SHA-256-PLUS)");
        }
        if (!ScramSha256.supported(mechanisms)) {
            throw new OperationalException("none of the server's SASL authentication mechanisms "
                    + mechanisms + " are supported");
        }
        return binding != null ? ScramSha256.bindingNotOffered(requirePassword()) : new ScramSha256(requirePassword());
    }

    private boolean requireBinding() {
        return channelBinding.equals("require");
    }

    /** channel_binding=require: no password may answer a request that is not SCRAM-PLUS. */
    private void refuseWithoutBinding() {
        if (requireBinding()) {
            throw bindingRefused("channel binding required but not supported by server's authentication request");
        }
    }

    private static OperationalException bindingRefused(String why) {
        return new OperationalException(why + " (channel_binding=require)");
    }

    private String requirePassword() {
        if (password == null) {
            throw new OperationalException("connection failed: the server requested password-based "
                    + "authentication, but no password was provided for user \"" + user + "\"");
        }
        return password;
    }

    private ScramSha256 requireScram() {
        if (scram == null) {
            throw new OperationalException("protocol error: SASL message without a SASL exchange");
        }
        return scram;
    }

    @Override
    public PgException error() {
        return error;
    }
}
