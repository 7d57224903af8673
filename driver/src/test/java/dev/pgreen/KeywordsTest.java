package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.transport.ConnectSettings;
import dev.pgreen.transport.DsnParser;
import dev.pgreen.transport.TargetSessionAttrs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No silent downgrades: every libpq connection keyword is either taken in and honoured (and tested
 * where named), or refused with a message naming it when it asks for a guarantee pgreen cannot give.
 */
class KeywordsTest {

    /** libpq 17's keywords, in the order of its documentation. */
    private static final List<String> LIBPQ = List.of(
            "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth",
            "channel_binding", "connect_timeout", "client_encoding", "options", "application_name",
            "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
            "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode", "requiressl",
            "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslpassword", "sslcertmode", "sslrootcert",
            "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
            "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service",
            "target_session_attrs", "load_balance_hosts");

    /** A keyword taken in: a value, what the settings then show, and where its effect is tested. */
    record Honoured(String value, Predicate<ConnectSettings> seen, String testedIn) {}

    /** A value that asks for a guarantee pgreen cannot give: the connect fails before any host is tried. */
    record Refused(String value) {}

    private static final Map<String, Object> TABLE = new LinkedHashMap<>();

    private static void honoured(String key, String value, Predicate<ConnectSettings> seen, String testedIn) {
        TABLE.put(key, new Honoured(value, seen, testedIn));
    }

    static {
        honoured("host", "a,b", s -> s.hosts().size() == 2, "MultiHostTest");
        honoured("hostaddr", "127.0.0.1", s -> s.host().equals("127.0.0.1"), "MultiHostTest");
        honoured("port", "6000", s -> s.port() == 6000, "ConnectTest");
        honoured("dbname", "shop", s -> s.database().equals("shop"), "ConnectTest");
        honoured("user", "alice", s -> s.user().equals("alice"), "ConnectTest");
        honoured("password", "pw", s -> s.password().equals("pw"), "ConnectTest");
        honoured("passfile", "/nonexistent/pgpass", s -> s.forHost(s.hostSpec()).password() == null,
                "ConnectSettingsServerTest, PassFileTest");
        honoured("require_auth", "scram-sha-256", s -> s.requireAuth().toString().equals("scram-sha-256"),
                "ConnectSettingsServerTest");
        honoured("connect_timeout", "5", s -> s.connectTimeout().equals(Duration.ofSeconds(5)),
                "ConnectTest, MultiHostTest");
        honoured("client_encoding", "UTF8", s -> s.startupParameters().get("client_encoding").equals("UTF8"),
                "ConnectInfoTest (any other encoding is refused)");
        honoured("options", "-c work_mem=64MB", s -> s.startupParameters().containsKey("options"), "ConnectTest");
        honoured("application_name", "app", s -> s.startupParameters().get("application_name").equals("app"),
                "ConnectTest");
        honoured("fallback_application_name", "fb", s -> s.startupParameters().get("application_name").equals("fb"),
                "ConnectInfoTest");
        honoured("keepalives", "0", s -> !s.keepalives(), "ConnectSettingsServerTest");
        honoured("keepalives_idle", "7", s -> s.keepalivesIdle() == 7, "ConnectSettingsServerTest");
        honoured("keepalives_interval", "3", s -> s.keepalivesInterval() == 3, "ConnectSettingsServerTest");
        honoured("keepalives_count", "4", s -> s.keepalivesCount() == 4, "ConnectSettingsServerTest");
        honoured("replication", "database", s -> s.replication().equals("database"), "ReplicationTest");
        honoured("requirepeer", "postgres", s -> s.requirePeer().equals("postgres"), "ConnectSettingsServerTest");
        honoured("service", "", s -> true, "ServiceFileTest, ConnectSettingsServerTest");
        honoured("target_session_attrs", "standby", s -> s.targetSessionAttrs() == TargetSessionAttrs.STANDBY,
                "MultiHostTest");
        honoured("load_balance_hosts", "random", ConnectSettings::loadBalanceRandom, "MultiHostTest");
        // No GSSAPI in pgreen: these only shape a GSSAPI exchange, which is never made (a server asking for one
        // is refused, see ProtocolCoreTest); gssencmode=prefer falls back to no GSSAPI encryption, as libpq
        // without GSSAPI support does.
        honoured("krbsrvname", "postgres", s -> true, "inert without GSSAPI");
        honoured("gsslib", "gssapi", s -> true, "inert without GSSAPI");
        honoured("gssdelegation", "1", s -> true, "inert without GSSAPI");
        TABLE.put("gssencmode", new Refused("require"));
        TABLE.put("tcp_user_timeout", new Refused("5000"));
        // TLS: every mode, file and name is honoured by the TLS transport (requiressl=1 means sslmode=require).
        honoured("sslmode", "verify-full", s -> s.sslmode().equals("verify-full"), "TlsModesTest");
        honoured("requiressl", "1", s -> s.sslmode().equals("require"), "ConnectSettingsTest, TlsModesTest");
        honoured("channel_binding", "require", s -> s.channelBinding().equals("require"), "ChannelBindingTest");
        honoured("sslnegotiation", "direct", s -> s.sslnegotiation().equals("direct"), "DirectTlsTest");
        honoured("sslcertmode", "require", s -> s.sslcertmode().equals("require"),
                "ClientCertificateTest, DirectTlsTest");
        honoured("sslcompression", "1", s -> true, "ignored, as by libpq since 14");
        honoured("sslcert", "/c.crt", s -> s.param("sslcert").equals("/c.crt"), "ClientCertificateTest");
        honoured("sslkey", "/c.key", s -> s.param("sslkey").equals("/c.key"), "ClientCertificateTest");
        honoured("sslpassword", "pw", s -> s.param("sslpassword").equals("pw"), "ClientCertificateTest");
        honoured("sslrootcert", "/root.crt", s -> s.param("sslrootcert").equals("/root.crt"), "TlsModesTest");
        honoured("sslcrl", "/crl.pem", s -> s.param("sslcrl").equals("/crl.pem"), "TlsModesTest, HomeDefaultsTest");
        honoured("sslcrldir", "/crl", s -> s.param("sslcrldir").equals("/crl"), "TlsModesTest");
        honoured("sslsni", "0", s -> s.param("sslsni").equals("0"), "DirectTlsTest");
        honoured("ssl_min_protocol_version", "TLSv1.3", s -> s.sslMinProtocolVersion().equals("TLSv1.3"),
                "TlsModesTest");
        honoured("ssl_max_protocol_version", "TLSv1.3", s -> s.sslMaxProtocolVersion().equals("TLSv1.3"),
                "TlsModesTest");
    }

    @Test
    void theTableCoversLibpqsKeywordsExactly() {
        assertEquals(Set.copyOf(LIBPQ), DsnParser.KEYWORDS, "pgreen's keywords are libpq's");
        assertEquals(Set.copyOf(LIBPQ), TABLE.keySet(), "every keyword has a decision");
        assertEquals(LIBPQ.size(), TABLE.size());
    }

    static Stream<Arguments> honouredKeywords() {
        return TABLE.entrySet().stream().filter(e -> e.getValue() instanceof Honoured)
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    static Stream<Arguments> refusedKeywords() {
        return TABLE.entrySet().stream().filter(e -> e.getValue() instanceof Refused)
                .map(e -> Arguments.of(e.getKey(), ((Refused) e.getValue()).value()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("honouredKeywords")
    void honouredKeywordsAreTakenIn(String key, Honoured h) {
        Map<String, String> params = new LinkedHashMap<>(Map.of(key, h.value()));
        if (key.equals("service")) {
            params.remove(key);
        }
        ConnectSettings s = ConnectSettings.resolve(params, Map.of("HOME", "/nonexistent-home"));
        assertTrue(h.seen().test(s), key + "=" + h.value() + " was not taken in (" + h.testedIn() + ")");
        assertEquals(null, s.unsupported(), key);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("refusedKeywords")
    void refusedKeywordsFailTheConnectNamingTheSetting(String key, String value) {
        // Port 1 is closed: a refusal that let the connect go on would say "Connection refused" instead.
        String dsn = "host=127.0.0.1 port=1 user=u dbname=d " + key + "=" + value;
        OperationalException e = assertThrows(OperationalException.class,
                () -> Pgreen.connect(dsn, info -> new Connection(info.withEnvironment(Map.of()))));
        String named = key.equals("requiressl") ? "sslmode=require" : key + "=" + value;
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertFalse(e.getMessage().toLowerCase().contains("connection refused"), e.getMessage());
    }

    @Test
    void unknownKeywordsStayErrors() {
        var e = assertThrows(ProgrammingException.class, () -> Pgreen.connect("host=127.0.0.1 sslmod=require"));
        assertEquals("invalid dsn: invalid connection option \"sslmod\" (did you mean \"sslmode\"?)", e.getMessage());
        var uri = assertThrows(ProgrammingException.class,
                () -> Pgreen.connect("postgresql://127.0.0.1/db?target_session_attr=primary"));
        assertTrue(uri.getMessage().contains("target_session_attr"), uri.getMessage());
    }
}
