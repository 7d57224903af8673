package dev.pgreen.protocol;

import dev.pgreen.errors.Diagnostics;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.protocol.BackendMessage.*;
import dev.pgreen.protocol.auth.Md5Password;
import dev.pgreen.protocol.auth.ScramSha256;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Start-up: the StartupMessage, authentication, then the server's parameters
 * and key until the first ReadyForQuery. Every failure is an
 * {@link OperationalException}, as psycopg2 raises for a failed connect.
 */
public final class StartupOperation implements Operation {
    private final Map<String, String> parameters;
    private final String user;
    private final String password;
    private ScramSha256 scram;
    private PgException error;

    public StartupOperation(Map<String, String> parameters, String user, String password) {
        this.parameters = parameters;
        this.user = user;
        this.password = password;
    }

    /** Forgets a failed run, to start again on a new connection (the transport's second attempt). */
    public void restart() {
        scram = null;
        error = null;
    }

    @Override
    public void start(FrontendEncoder out) {
        out.startup(parameters);
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case AuthenticationOk ok -> { }
            case AuthenticationCleartextPassword p -> out.password(requirePassword().getBytes(StandardCharsets.UTF_8));
            case AuthenticationMd5Password p -> out.password(Md5Password.encode(user, requirePassword(), p.salt()));
            case AuthenticationSasl sasl -> {
                if (!ScramSha256.supported(sasl.mechanisms())) {
                    throw new OperationalException("none of the server's SASL authentication mechanisms "
                            + sasl.mechanisms() + " are supported");
                }
                scram = new ScramSha256(requirePassword());
                out.saslInitialResponse(ScramSha256.MECHANISM, scram.clientFirstMessage());
            }
            case AuthenticationSaslContinue c -> out.saslResponse(requireScram().clientFinalMessage(c.data()));
            case AuthenticationSaslFinal f -> requireScram().verifyServerFinal(f.data());
            case AuthenticationUnsupported u -> throw new OperationalException(
                    "authentication method " + u.code() + " not supported");
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
