package dev.pgreen.transport.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * sslmode=verify-full's check that the server certificate names the host, with libpq's rules
 * (fe-secure-openssl.c): every subjectAltName dNSName and iPAddress is tried; a dNSName
 * {@code *.example.com} matches one label; the Common Name is tried only when there is no
 * subjectAltName of the host's type (DNS for a name, IP for an address).
 */
final class HostNameCheck {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private HostNameCheck() {}

    /** Null when {@code cert} is valid for {@code host}, else libpq's message saying why not. */
    static String mismatch(X509Certificate cert, String host) {
        byte[] hostAddress = ipLiteral(host);
        int hostType = hostAddress != null ? IP_ADDRESS : DNS_NAME;
        boolean checkCommonName = true;
        int examined = 0;
        String firstName = null;
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return "could not read the server certificate's subjectAltName: " + e.getMessage();
        }
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                if (type == hostType) {
                    checkCommonName = false;
                }
                if (type != DNS_NAME && type != IP_ADDRESS) {
                    continue;
                }
                examined++;
                String name = (String) san.get(1);
                if (firstName == null) {
                    firstName = name;
                }
                boolean matches = type == DNS_NAME
                        ? nameMatches(name, host)
                        : hostAddress != null && Arrays.equals(ipLiteral(name), hostAddress);
                if (matches) {
                    return null;
                }
            }
        }
        if (checkCommonName) {
            String cn = commonName(cert);
            if (cn != null) {
                examined++;
                if (firstName == null) {
                    firstName = cn;
                }
                if (nameMatches(cn, host)) {
                    return null;
                }
            }
        }
        if (examined == 0) {
            return "could not get server's host name from server certificate";
        }
        if (examined == 1) {
            return "server certificate for \"" + firstName + "\" does not match host name \"" + host + "\"";
        }
        int others = examined - 1;
        return "server certificate for \"" + firstName + "\" (and " + others + " other name" + (others > 1 ? "s" : "")
                + ") does not match host name \"" + host + "\"";
    }

    /** A name from the certificate against the host: equal ignoring case, or a one-label wildcard. */
    static boolean nameMatches(String name, String host) {
        if (name.indexOf('\0') >= 0) {
            // CVE-2009-4034: "good.example\0.evil.example" must not pass for either.
            return false;
        }
        String n = name.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (n.equals(h)) {
            return true;
        }
        if (n.length() < 3 || !n.startsWith("*.") || n.length() > h.length()) {
            return false;
        }
        String suffix = n.substring(1);
        return h.endsWith(suffix) && h.indexOf('.') >= h.length() - suffix.length();
    }

    /**
     * The bytes of {@code host} when it is an IPv4 (dotted quad) or IPv6 literal, else null.
     * Never asks a name server: only strings that can only be literals reach the JDK's parser.
     */
    static byte[] ipLiteral(String host) {
        if (host.isEmpty()) {
            return null;
        }
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || Integer.parseInt(parts[i]) > 255) {
                    return null;
                }
                out[i] = (byte) Integer.parseInt(parts[i]);
            }
            return out;
        }
        // A string with ':' that starts with a hex digit or ':' is parsed as an IPv6 literal or rejected, never looked up.
        if (host.indexOf(':') < 0 || !(host.charAt(0) == ':' || Character.digit(host.charAt(0), 16) >= 0)) {
            return null;
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether libpq would send {@code host} as SNI: not an address literal (RFC 6066). */
    static boolean isSniName(String host) {
        return host != null && !host.isEmpty()
                && !(host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')) || host.indexOf(':') >= 0);
    }

    private static String commonName(X509Certificate cert) {
        try {
            List<Rdn> rdns = new LdapName(cert.getSubjectX500Principal().getName()).getRdns();
            // getRdns() lists the RDNs in DER order, so this is the CN OpenSSL's X509_NAME_get_index_by_NID finds.
            for (Rdn rdn : rdns) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
