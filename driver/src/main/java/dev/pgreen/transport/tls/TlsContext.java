package dev.pgreen.transport.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * What one connection's TLS needs, loaded from the files its {@link TlsSettings} name, as libpq's
 * {@code initialize_SSL} loads them: the root certificates (or the JDK's for
 * {@code sslrootcert=system}) with the CRLs, the client certificate and key, the protocol range.
 * It makes the {@link SSLEngine} of each attempt.
 *
 * <p>The server certificate is verified when a root certificate is present: for verify-ca and
 * verify-full, and, as libpq does, for require (and prefer, allow) whenever the root file exists.
 * verify-full also checks the host name ({@link HostNameCheck}).
 */
public final class TlsContext {
    /** The only ALPN protocol PostgreSQL speaks (PostgreSQL 17's direct TLS requires it). */
    public static final String ALPN = "postgresql";

    private final TlsSettings settings;
    private final SSLContext ssl;
    private final List<String> protocols;
    private final ClientKey clientKey;

    private TlsContext(TlsSettings settings, SSLContext ssl, List<String> protocols, ClientKey clientKey) {
        this.settings = settings;
        this.ssl = ssl;
        this.protocols = protocols;
        this.clientKey = clientKey;
    }

    public TlsSettings settings() {
        return settings;
    }

    /**
     * Loads the files the settings name.
     *
     * @throws TlsException naming the setting or file at fault
     */
    public static TlsContext load(TlsSettings s) throws TlsException {
        try {
            X509TrustManager pkix = trust(s);
            ServerCheck check = new ServerCheck(pkix, s.sslmode().equals("verify-full"),
                    s.systemRoots() ? "the JDK's trust store (sslrootcert=system)" : "sslrootcert \"" + s.rootCertFile() + "\"");
            // Always ours, even without a certificate: the JDK's default key manager (javax.net.ssl.keyStore)
            // would send one libpq never would, and sslcertmode=require must learn whether the server asked.
            ClientKey key = s.certMode().equals("disable") ? new ClientKey(null, null) : clientKey(s);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new ClientKey[] {key}, new TrustManager[] {check}, null);
            List<String> supported = List.of(ctx.getSupportedSSLParameters().getProtocols());
            List<String> protocols = s.protocols().stream().filter(supported::contains).toList();
            if (protocols.isEmpty()) {
                throw new TlsException("none of the TLS versions from " + s.minProtocol() + " to "
                        + (s.maxProtocol() == null ? "the newest" : s.maxProtocol()) + " is enabled in this JVM");
            }
            return new TlsContext(s, ctx, protocols, key);
        } catch (GeneralSecurityException e) {
            throw new TlsException("could not set up SSL: " + e.getMessage(), e);
        }
    }

    /**
     * A client engine for one attempt on {@code host} (the host name as the caller gave it, which
     * verify-full checks and SNI sends; null when only an address is known).
     */
    public SSLEngine newEngine(String host, int port) throws TlsException {
        if (settings.sslmode().equals("verify-full") && (host == null || host.isEmpty())) {
            throw new TlsException("host name must be specified for a verified SSL connection (sslmode=verify-full)");
        }
        clientKey.forget();
        SSLEngine engine = host == null ? ssl.createSSLEngine() : ssl.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols.toArray(String[]::new));
        p.setApplicationProtocols(new String[] {ALPN});
        List<SNIServerName> sni = List.of();
        if (settings.sni() && HostNameCheck.isSniName(host)) {
            try {
                sni = List.of(new SNIHostName(host));
            } catch (IllegalArgumentException e) {
                // Not a name SNI can carry (RFC 6066): send none rather than fail.
            }
        }
        // Set explicitly, even empty: otherwise the JDK derives SNI from the peer host itself.
        p.setServerNames(sni);
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * After the handshake of the latest engine: why sslcertmode=require is not met (libpq's words), or
     * null when the server asked for a client certificate and one was sent.
     */
    public String clientCertificateShortfall() {
        if (!clientKey.requested) {
            return "server did not request an SSL certificate (sslcertmode=require)";
        }
        if (!clientKey.offered) {
            return "the server asked for an SSL certificate, but there is none to send (sslcertmode=require; "
                    + "sslcert \"" + settings.certFile() + "\")";
        }
        return null;
    }

    // ---- the server's certificate ----

    /** The PKIX check of the server's chain, or null when there is nothing to check it against. */
    private static X509TrustManager trust(TlsSettings s) throws TlsException, GeneralSecurityException {
        if (s.systemRoots()) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            return x509(tmf);
        }
        Path root = s.rootCertFile();
        if (root == null || !Files.exists(root)) {
            if (s.sslmode().startsWith("verify-")) {
                String hint = "\nEither provide the file, use the system's trusted roots with sslrootcert=system, "
                        + "or change sslmode to disable server certificate verification.";
                throw new TlsException("sslmode=" + s.sslmode() + " needs a root certificate, but "
                        + (root == null ? "there is no home directory to locate root certificate file"
                        : "root certificate file \"" + root + "\" does not exist") + hint);
            }
            return null;
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        try {
            for (X509Certificate c : Pem.certificates(root)) {
                anchors.add(new TrustAnchor(c, null));
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsException("could not read root certificate file \"" + root + "\": " + e.getMessage(), e);
        }
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, null);
        List<X509CRL> crls = crls(s);
        params.setRevocationEnabled(!crls.isEmpty());
        if (!crls.isEmpty()) {
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            // Only the CRLs given, as OpenSSL's X509_V_FLAG_CRL_CHECK_ALL: no OCSP, no fetching.
            PKIXRevocationChecker rc = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
            rc.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
            params.addCertPathChecker(rc);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(params));
        return x509(tmf);
    }

    /** sslcrl (or ~/.postgresql/root.crl) and every CRL in sslcrldir; a missing file is no error, as in libpq. */
    private static List<X509CRL> crls(TlsSettings s) throws TlsException {
        List<Path> files = new ArrayList<>();
        if (s.crlFile() != null && Files.isRegularFile(s.crlFile())) {
            files.add(s.crlFile());
        }
        if (s.crlDir() != null && Files.isDirectory(s.crlDir())) {
            try (Stream<Path> dir = Files.list(s.crlDir())) {
                dir.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new TlsException("could not read sslcrldir \"" + s.crlDir() + "\": " + e.getMessage(), e);
            }
        }
        Map<X500Principal, X509CRL> newest = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                for (X509CRL crl : Pem.crls(f)) {
                    newest.merge(crl.getIssuerX500Principal(), crl, (a, b) -> newer(b, a) ? b : a);
                }
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new TlsException("could not read SSL certificate revocation list \"" + f + "\": " + e.getMessage(), e);
            }
        }
        return List.copyOf(newest.values());
    }

    /**
     * Of two CRLs of one issuer, OpenSSL uses the newer; the JDK would use whichever it meets
     * first, so only the newest of each issuer is kept: by thisUpdate, then by CRL number.
     */
    private static boolean newer(X509CRL a, X509CRL b) {
        int byDate = a.getThisUpdate().compareTo(b.getThisUpdate());
        return byDate != 0 ? byDate > 0 : Der.crlNumber(a).compareTo(Der.crlNumber(b)) > 0;
    }

    private static X509TrustManager x509(TrustManagerFactory tmf) throws GeneralSecurityException {
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager in " + tmf.getAlgorithm());
    }

    /**
     * The server-certificate check run inside the handshake: the chain against the roots when
     * there are any (else nothing, as sslmode=require without a root certificate), then the
     * host name for verify-full. The JDK's own host name check stays off.
     */
    private static final class ServerCheck extends X509ExtendedTrustManager {
        private final X509TrustManager pkix;
        private final boolean checkHostName;
        private final String roots;

        ServerCheck(X509TrustManager pkix, boolean checkHostName, String roots) {
            this.pkix = pkix;
            this.checkHostName = checkHostName;
            this.roots = roots;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            if (pkix != null) {
                try {
                    pkix.checkServerTrusted(chain, authType);
                } catch (CertificateException e) {
                    throw TlsException.VerificationFailure.of(e, roots);
                }
            }
            if (checkHostName) {
                String mismatch = HostNameCheck.mismatch(chain[0], engine.getPeerHost());
                if (mismatch != null) {
                    throw new TlsException.VerificationFailure(mismatch, null);
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("pgreen verifies server certificates on an SSLEngine only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("pgreen verifies server certificates on an SSLEngine only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    // ---- the client's certificate ----

    /** The client certificate and key; without a certificate file, a key manager that sends none. */
    private static ClientKey clientKey(TlsSettings s) throws TlsException {
        Path certFile = s.certFile();
        if (certFile == null || !Files.exists(certFile)) {
            return new ClientKey(null, null);
        }
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(certFile);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsException("could not read certificate file \"" + certFile + "\": " + e.getMessage(), e);
        }
        Path keyFile = s.keyFile();
        if (keyFile == null || !Files.exists(keyFile)) {
            throw new TlsException("certificate present, but not private key file \"" + keyFile + "\" (sslkey)");
        }
        if (!Files.isRegularFile(keyFile)) {
            throw new TlsException("private key file \"" + keyFile + "\" is not a regular file");
        }
        checkPermissions(keyFile);
        PrivateKey key;
        try {
            key = PrivateKeys.read(keyFile, s.password());
        } catch (NoSuchFileException e) {
            throw new TlsException("certificate present, but not private key file \"" + keyFile + "\" (sslkey)", e);
        } catch (IOException | PrivateKeys.KeyException e) {
            throw new TlsException("could not load private key file \"" + keyFile + "\": " + e.getMessage(), e);
        }
        if (!matches(key, chain.get(0))) {
            throw new TlsException("certificate does not match private key file \"" + keyFile + "\"");
        }
        return new ClientKey(key, chain.toArray(X509Certificate[]::new));
    }

    /**
     * libpq's rule: a key file may be read by its owner only (0600), or also by the group when
     * root owns it (0640), so that a key nobody guarded is refused rather than used.
     */
    private static void checkPermissions(Path keyFile) throws TlsException {
        Set<PosixFilePermission> perms;
        boolean rootOwned;
        try {
            perms = Files.getPosixFilePermissions(keyFile);
            rootOwned = Integer.valueOf(0).equals(Files.getAttribute(keyFile, "unix:uid"));
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return; // no POSIX permissions here (as libpq on Windows)
        }
        Set<PosixFilePermission> forbidden = EnumSet.of(PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
        if (!rootOwned) {
            forbidden.add(PosixFilePermission.GROUP_READ);
        }
        forbidden.retainAll(perms);
        if (!forbidden.isEmpty()) {
            throw new TlsException("private key file \"" + keyFile + "\" has group or world access; file must have "
                    + "permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) "
                    + "or less if owned by root");
        }
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // RSASSA-PSS and the like: the handshake itself will tell
        }
        try {
            byte[] probe = "pgreen".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The one client certificate (or none: null key), offered whenever the server asks, whatever issuers
     * it names (as OpenSSL does); it notes whether the latest handshake asked and got one.
     */
    private static final class ClientKey extends X509ExtendedKeyManager {
        private static final String ALIAS = "sslcert";
        private final PrivateKey key;
        private final X509Certificate[] chain;
        // Written by the handshake's task (which may run on the JDK's delegated task thread), read after it.
        private volatile boolean requested;
        private volatile boolean offered;

        ClientKey(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        void forget() {
            requested = false;
            offered = false;
        }

        private String alias(String[] keyTypes) {
            requested = true;
            for (String t : keyTypes) {
                if (fits(t)) {
                    offered = true;
                    return ALIAS;
                }
            }
            return null;
        }

        /** Whether the key (if any) serves a handshake that asks for {@code keyType}. */
        private boolean fits(String keyType) {
            return key != null && (keyType.equals(key.getAlgorithm())
                    || (keyType.equals("EdDSA") && key.getAlgorithm().startsWith("Ed")));
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias(keyTypes);
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return fits(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
