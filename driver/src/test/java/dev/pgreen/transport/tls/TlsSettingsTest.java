package dev.pgreen.transport.tls;

import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.transport.ConnectSettings;
import dev.pgreen.transport.DsnParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The TLS settings resolve as libpq's: parameter, then PG* variable, then default; ~/.postgresql from HOME. */
class TlsSettingsTest {
    private static final Map<String, String> HOME = Map.of("HOME", "/home/alice");

    private static TlsSettings resolve(String dsn, Map<String, String> env) {
        return ConnectSettings.resolve(DsnParser.parse(dsn), env).tls();
    }

    @Test
    void defaultsAreLibpqs() {
        TlsSettings s = resolve("host=db", HOME);
        assertEquals("prefer", s.sslmode());
        assertFalse(s.sslmodeGiven());
        assertEquals("postgres", s.negotiation());
        assertEquals("prefer", s.channelBinding());
        assertTrue(s.sni());
        assertEquals("TLSv1.2", s.minProtocol());
        assertNull(s.maxProtocol());
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), s.protocols());
        assertNull(s.password());
        assertNull(s.conflict());
    }

    @Test
    void theDefaultFilesLiveInHomeDotPostgresql() {
        TlsSettings s = resolve("host=db", HOME);
        Path dir = Path.of("/home/alice/.postgresql");
        assertEquals(dir.resolve("root.crt"), s.rootCertFile());
        assertEquals(dir.resolve("postgresql.crt"), s.certFile());
        assertEquals(dir.resolve("postgresql.key"), s.keyFile());
        assertEquals(dir.resolve("root.crl"), s.crlFile());
        assertNull(s.crlDir());
        // Without HOME, the user.home property stands in.
        assertEquals(Path.of(System.getProperty("user.home"), ".postgresql", "root.crt"),
                resolve("host=db", Map.of()).rootCertFile());
    }

    @Test
    void givenFilesReplaceTheDefaultsAndACrlDirReplacesTheDefaultCrl() {
        TlsSettings s = resolve("sslrootcert=/r.pem sslcert=/c.pem sslkey=/k.pem sslcrldir=/crls", HOME);
        assertEquals(Path.of("/r.pem"), s.rootCertFile());
        assertEquals(Path.of("/c.pem"), s.certFile());
        assertEquals(Path.of("/k.pem"), s.keyFile());
        assertNull(s.crlFile(), "libpq reads root.crl only when neither sslcrl nor sslcrldir is set");
        assertEquals(Path.of("/crls"), s.crlDir());
    }

    @Test
    void environmentVariablesFillInAndParametersWin() {
        Map<String, String> env = Map.of("PGSSLMODE", "require", "PGSSLROOTCERT", "/env/root.crt",
                "PGSSLCERT", "/env/c.crt", "PGSSLKEY", "/env/c.key", "PGSSLCRL", "/env/crl.pem",
                "PGSSLCRLDIR", "/env/crls", "PGSSLSNI", "0", "PGSSLNEGOTIATION", "direct",
                "PGCHANNELBINDING", "require", "PGSSLMINPROTOCOLVERSION", "TLSv1.3");
        TlsSettings s = resolve("", env);
        assertEquals("require", s.sslmode());
        assertTrue(s.sslmodeGiven());
        assertEquals(Path.of("/env/root.crt"), s.rootCertFile());
        assertEquals(Path.of("/env/c.crt"), s.certFile());
        assertEquals(Path.of("/env/c.key"), s.keyFile());
        assertEquals(Path.of("/env/crl.pem"), s.crlFile());
        assertEquals(Path.of("/env/crls"), s.crlDir());
        assertFalse(s.sni());
        assertTrue(s.direct());
        assertEquals("require", s.channelBinding());
        assertEquals(List.of("TLSv1.3"), s.protocols());

        TlsSettings given = resolve("sslmode=verify-ca sslrootcert=/p.crt channel_binding=disable sslsni=1", env);
        assertEquals("verify-ca", given.sslmode());
        assertEquals(Path.of("/p.crt"), given.rootCertFile());
        assertEquals("disable", given.channelBinding());
        assertTrue(given.sni());
    }

    @Test
    void theUriSpellingWorksToo() {
        TlsSettings s = resolve("postgresql://db/x?sslmode=verify-full&sslrootcert=%2Fr.pem&sslpassword=pw"
                + "&sslnegotiation=direct&ssl_max_protocol_version=TLSv1.2", HOME);
        assertEquals("verify-full", s.sslmode());
        assertEquals(Path.of("/r.pem"), s.rootCertFile());
        assertEquals("pw", s.password());
        assertTrue(s.direct());
        assertEquals(List.of("TLSv1.2"), s.protocols());
    }

    @Test
    void sslrootcertSystemImpliesVerifyFullUnlessSslmodeIsGiven() {
        TlsSettings implied = resolve("sslrootcert=system", HOME);
        assertEquals("verify-full", implied.sslmode());
        assertTrue(implied.systemRoots());
        assertNull(implied.conflict());
        TlsSettings weak = resolve("sslrootcert=system sslmode=verify-ca", HOME);
        assertEquals("weak sslmode \"verify-ca\" may not be used with sslrootcert=system (use \"verify-full\")",
                weak.conflict());
    }

    @ParameterizedTest
    @CsvSource({"disable", "allow", "prefer"})
    void directNegotiationConflictsWithAWeakSslmode(String mode) {
        assertEquals("weak sslmode \"" + mode + "\" may not be used with sslnegotiation=direct (use \"require\", "
                + "\"verify-ca\", or \"verify-full\")", resolve("sslnegotiation=direct sslmode=" + mode, HOME).conflict());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sslmode=on                       | invalid dsn: invalid sslmode value: \"on\"",
            "sslnegotiation=tls               | invalid dsn: invalid sslnegotiation value: \"tls\"",
            "channel_binding=always           | invalid dsn: invalid channel_binding value: \"always\"",
            "ssl_min_protocol_version=SSLv3   | invalid dsn: invalid \"ssl_min_protocol_version\" value: \"SSLv3\"",
            "ssl_max_protocol_version=TLSv1.1 | invalid dsn: invalid SSL protocol version range: TLSv1.2 to TLSv1.1",
    })
    void badValuesAreMalformedDsns(String dsn, String message) {
        ProgrammingException e = assertThrows(ProgrammingException.class, () -> resolve(dsn, HOME));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aBadEnvironmentValueNamesTheVariable() {
        ProgrammingException e = assertThrows(ProgrammingException.class,
                () -> resolve("", Map.of("PGCHANNELBINDING", "yes")));
        assertEquals("invalid PGCHANNELBINDING: invalid channel_binding value: \"yes\"", e.getMessage());
    }

    @Test
    void theKeyPasswordIsNeverShown() {
        TlsSettings s = resolve("sslpassword=hunter2 sslkey=/k.pem", HOME);
        assertFalse(s.toString().contains("hunter2"), s.toString());
        assertTrue(s.toString().contains("sslpassword=xxx"), s.toString());
    }
}
