package dev.pgreen.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PEM files as OpenSSL writes them: any number of {@code -----BEGIN X-----} blocks, with text
 * around them ignored and RFC 1421 headers ({@code Proc-Type: 4,ENCRYPTED}) kept.
 */
final class Pem {
    private Pem() {}

    /** One block: its label ({@code CERTIFICATE}, {@code RSA PRIVATE KEY}, ...), headers and decoded body. */
    record Block(String label, Map<String, String> headers, byte[] der) {}

    static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n|\r");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith("-----BEGIN ") || !line.endsWith("-----")) {
                continue;
            }
            String label = line.substring(11, line.length() - 5);
            String endLine = "-----END " + label + "-----";
            Map<String, String> headers = new LinkedHashMap<>();
            StringBuilder body = new StringBuilder();
            int j = i + 1;
            for (; j < lines.length && !lines[j].strip().equals(endLine); j++) {
                String l = lines[j].strip();
                int colon = l.indexOf(':');
                if (colon > 0 && body.isEmpty()) {
                    headers.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
                } else {
                    body.append(l);
                }
            }
            if (j == lines.length) {
                throw new IllegalArgumentException("PEM block \"" + label + "\" has no END line");
            }
            try {
                blocks.add(new Block(label, headers, Base64.getDecoder().decode(body.toString())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PEM block \"" + label + "\" is not valid base64");
            }
            i = j;
        }
        return blocks;
    }

    static List<Block> blocks(Path file) throws IOException {
        return blocks(Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    /** Every certificate in a PEM file; throws if there is none. */
    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certs = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (b.label().equals("CERTIFICATE") || b.label().equals("TRUSTED CERTIFICATE")
                    || b.label().equals("X509 CERTIFICATE")) {
                Certificate c = cf.generateCertificate(new ByteArrayInputStream(b.der()));
                certs.add((X509Certificate) c);
            }
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no PEM certificate (-----BEGIN CERTIFICATE-----) found");
        }
        return certs;
    }

    /** Every CRL in a PEM file (none is no error: libpq does not require a CRL). */
    static List<X509CRL> crls(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509CRL> crls = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (b.label().equals("X509 CRL")) {
                CRL crl = cf.generateCRL(new ByteArrayInputStream(b.der()));
                crls.add((X509CRL) crl);
            }
        }
        return crls;
    }
}
