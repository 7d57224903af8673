package dev.pgreen.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.ProgrammingException;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The settings of several hosts, target_session_attrs, keepalives and the other libpq keywords. */
class ConnectSettingsTest {

    static ConnectSettings resolve(String dsn, Map<String, String> env) {
        return ConnectSettings.resolve(DsnParser.parse(dsn), env);
    }

    static ConnectSettings resolve(String dsn) {
        return resolve(dsn, Map.of("HOME", "/nonexistent-home"));
    }

    private static String refusal(String dsn) {
        return assertThrows(ProgrammingException.class, () -> resolve(dsn)).getMessage();
    }

    // ---- hosts ----

    @Test
    void hostAndPortListsPairUp() {
        var s = resolve("host=a,b,c port=1,2,3");
        assertEquals(List.of(new HostSpec("a", null, 1), new HostSpec("b", null, 2), new HostSpec("c", null, 3)),
                s.hosts());
        assertEquals("a", s.host());
        assertEquals(1, s.port());
    }

    @Test
    void anEmptyPortItemIsTheDefault() {
        assertEquals(List.of(5432, 7), resolve("host=a,b port=,7").hosts().stream().map(HostSpec::port).toList());
    }

    @Test
    void portCountMustMatchHostCount() {
        assertEquals("invalid dsn: could not match 2 port numbers to 3 hosts", refusal("host=a,b,c port=1,2"));
        var env = assertThrows(ProgrammingException.class,
                () -> resolve("host=a,b,c", Map.of("PGPORT", "1,2")));
        assertEquals("invalid PGPORT: could not match 2 port numbers to 3 hosts", env.getMessage());
    }

    @Test
    void hostaddrListGivesTheAddressesAndKeepsTheNames() {
        var s = resolve("host=db1.example,db2.example hostaddr=10.0.0.1,10.0.0.2 port=5433");
        assertEquals(List.of(new HostSpec("db1.example", "10.0.0.1", 5433), new HostSpec("db2.example", "10.0.0.2", 5433)),
                s.hosts());
        assertEquals("10.0.0.1", s.host());
        assertEquals("db1.example", s.hostName());
        assertEquals("invalid dsn: could not match 1 host names to 2 hostaddr values",
                refusal("host=db1 hostaddr=10.0.0.1,10.0.0.2"));
        var fromEnv = resolve("", Map.of("PGHOSTADDR", "10.0.0.9"));
        assertEquals(List.of(new HostSpec(null, "10.0.0.9", 5432)), fromEnv.hosts());
    }

    @Test
    void anEmptyHostItemIsTheDefaultHost() {
        var s = resolve("host=a,,/tmp");
        assertEquals("a", s.hosts().get(0).host());
        String dflt = s.hosts().get(1).host();
        assertTrue(dflt.equals("localhost") || dflt.equals(ConnectSettings.DEFAULT_SOCKET_DIR), dflt);
        assertTrue(s.hosts().get(2).isUnixSocket());
    }

    @Test
    void forHostPointsAtOneHost() {
        var s = resolve("host=a,/tmp port=1,2 user=u");
        var second = s.forHost(s.hosts().get(1));
        assertEquals("/tmp", second.host());
        assertEquals(2, second.port());
        assertTrue(second.isUnixSocket());
        assertEquals(s.hosts(), second.hosts());
        assertEquals("u", second.user());
    }

    @ParameterizedTest
    @CsvSource({"any, ANY", "read-write, READ_WRITE", "read-only, READ_ONLY", "primary, PRIMARY",
            "standby, STANDBY", "prefer-standby, PREFER_STANDBY"})
    void targetSessionAttrs(String setting, TargetSessionAttrs expected) {
        assertEquals(expected, resolve("target_session_attrs=" + setting).targetSessionAttrs());
        assertEquals(expected, resolve("", Map.of("PGTARGETSESSIONATTRS", setting)).targetSessionAttrs());
        assertEquals(setting, expected.setting());
    }

    @Test
    void badTargetSessionAttrsAndLoadBalanceAreNamed() {
        assertTrue(refusal("target_session_attrs=master").startsWith(
                "invalid dsn: invalid target_session_attrs value: \"master\" (expected any, read-write,"),
                refusal("target_session_attrs=master"));
        assertEquals("invalid dsn: invalid load_balance_hosts value: \"on\"", refusal("load_balance_hosts=on"));
        assertEquals(TargetSessionAttrs.ANY, resolve("").targetSessionAttrs());
        assertFalse(resolve("").loadBalanceRandom());
        assertTrue(resolve("load_balance_hosts=random").loadBalanceRandom());
        assertTrue(resolve("", Map.of("PGLOADBALANCEHOSTS", "random")).loadBalanceRandom());
    }

    // ---- keepalives ----

    @Test
    void keepalivesAreOnByDefault() {
        var s = resolve("");
        assertTrue(s.keepalives());
        assertNull(s.keepalivesIdle());
        assertEquals(0, s.tcpUserTimeout());
        var set = resolve("keepalives=1 keepalives_idle=7 keepalives_interval=3 keepalives_count=4 tcp_user_timeout=0");
        assertEquals(7, set.keepalivesIdle());
        assertEquals(3, set.keepalivesInterval());
        assertEquals(4, set.keepalivesCount());
        assertFalse(resolve("keepalives=0").keepalives());
        assertEquals("invalid dsn: invalid integer value \"soon\" for connection option \"keepalives_idle\"",
                refusal("keepalives_idle=soon"));
    }

    // ---- refused values and guarantees ----

    @Test
    void requiresslMeansSslmodeRequire() {
        assertEquals("require", resolve("requiressl=1").sslmode());
        assertEquals("prefer", resolve("requiressl=0").sslmode());
        assertEquals("verify-full", resolve("requiressl=1 sslmode=verify-full").sslmode());
        assertEquals("invalid dsn: requiressl=1 conflicts with sslmode=disable", refusal("requiressl=1 sslmode=disable"));
        assertEquals("require", resolve("", Map.of("PGREQUIRESSL", "1")).sslmode());
        // As libpq: PGSSLMODE outranks PGREQUIRESSL, and the DSN outranks both.
        assertEquals("allow", resolve("", Map.of("PGREQUIRESSL", "1", "PGSSLMODE", "allow")).sslmode());
        assertEquals("disable", resolve("sslmode=disable", Map.of("PGREQUIRESSL", "1")).sslmode());
    }

    @Test
    void badValuesOfOtherKeywordsAreNamed() {
        assertEquals("invalid dsn: invalid gssencmode value: \"always\"", refusal("gssencmode=always"));
        assertEquals("invalid dsn: invalid channel_binding value: \"yes\"", refusal("channel_binding=yes"));
        assertEquals("invalid dsn: invalid sslcertmode value: \"yes\"", refusal("sslcertmode=yes"));
        assertEquals("invalid dsn: invalid sslnegotiation value: \"tls\"", refusal("sslnegotiation=tls"));
        // libpq quotes the name of this one (fe-connect.c).
        assertEquals("invalid dsn: invalid \"ssl_min_protocol_version\" value: \"SSLv3\"",
                refusal("ssl_min_protocol_version=SSLv3"));
        assertEquals("invalid dsn: invalid SSL protocol version range: TLSv1.3 to TLSv1.2",
                refusal("ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2"));
        assertEquals("invalid dsn: invalid require_auth value: \"kerberos\"", refusal("require_auth=kerberos"));
        assertEquals("invalid dsn: negative require_auth method \"!md5\" cannot be mixed with non-negative methods",
                refusal("require_auth=password,!md5"));
        assertEquals("invalid dsn: require_auth method \"md5\" is specified more than once", refusal("require_auth=md5,md5"));
    }

    @Test
    void sslProtocolVersionsPassThrough() {
        var s = resolve("ssl_min_protocol_version=TLSv1.3");
        assertEquals("TLSv1.3", s.sslMinProtocolVersion());
        assertNull(s.sslMaxProtocolVersion());
        assertEquals("TLSv1.2", resolve("").sslMinProtocolVersion());
        assertEquals("TLSv1.3", resolve("", Map.of("PGSSLMAXPROTOCOLVERSION", "TLSv1.3")).sslMaxProtocolVersion());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "gssencmode=require | gssencmode=require",
            "tcp_user_timeout=5000 | tcp_user_timeout=5000"})
    void guaranteesPgreenCannotGiveAreRefused(String dsn, String named) {
        var e = resolve(dsn).unsupported();
        assertTrue(e != null && e.getMessage().startsWith(named), String.valueOf(e));
    }

    @Test
    void honourableSettingsAreNotRefused() {
        assertNull(resolve("gssencmode=prefer tcp_user_timeout=0 channel_binding=require sslcertmode=require "
                + "sslmode=verify-full sslnegotiation=direct keepalives_idle=5").unsupported());
    }
}
