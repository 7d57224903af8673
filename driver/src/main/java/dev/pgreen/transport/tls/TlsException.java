package dev.pgreen.transport.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * A TLS failure whose message is already what the user should read (libpq's wording where
 * libpq has one): a file that cannot be read, a setting that does not fit, a server certificate
 * that fails verification. {@link #describe} turns any other {@link SSLException} of the JDK
 * into such a message.
 */
public final class TlsException extends SSLException {
    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The user's message for a TLS failure: ours as is, the JDK's as "SSL error: ...". */
    public static String describe(SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsException ours) {
                return ours.getMessage();
            }
            if (t instanceof VerificationFailure v) {
                return v.getMessage();
            }
        }
        return "SSL error: " + e.getMessage();
    }

    /**
     * Raised by the server-certificate check inside the handshake: the JDK wraps it, and
     * {@link #describe} finds it again under the wrapping.
     */
    static final class VerificationFailure extends CertificateException {
        VerificationFailure(String message, Throwable cause) {
            super(message, cause);
        }

        /** OpenSSL's words for why a chain did not verify ("certificate verify failed: ..."). */
        static VerificationFailure of(CertificateException e, String roots) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CertPathValidatorException v && v.getReason() instanceof CertPathValidatorException.BasicReason r) {
                    String why = switch (r) {
                        case REVOKED -> "certificate revoked";
                        case EXPIRED -> "certificate has expired";
                        case NOT_YET_VALID -> "certificate is not yet valid";
                        case UNDETERMINED_REVOCATION_STATUS -> "unable to get certificate CRL (sslcrl has no CRL of the certificate's issuer)";
                        case INVALID_SIGNATURE -> "certificate signature failure";
                        default -> null;
                    };
                    if (why != null) {
                        return new VerificationFailure("SSL error: certificate verify failed: " + why, e);
                    }
                }
                if (t instanceof CertPathBuilderException) {
                    return new VerificationFailure("SSL error: certificate verify failed: unable to get local issuer "
                            + "certificate (the server's certificate is not signed by a root certificate in " + roots + ")", e);
                }
            }
            return new VerificationFailure("SSL error: certificate verify failed: " + e.getMessage(), e);
        }
    }
}
