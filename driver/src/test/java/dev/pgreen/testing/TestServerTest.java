package dev.pgreen.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tests of the test harness itself, checked through psql only. */
@ExtendWith(PgServerExtension.class)
class TestServerTest {

    private static void assumeOurServer(TestServer server) {
        assumeTrue(server.kind() != TestServer.Kind.EXTERNAL,
                "PGREEN_TEST_DSN server: its settings are whatever its owner chose");
    }

    @Test
    void versionIsAtLeast15(TestServer server) {
        assertTrue(Integer.parseInt(server.psql("SHOW server_version_num")) >= 150000, server.psql("SELECT version()"));
    }

    @Test
    void settings(TestServer server) {
        assumeOurServer(server);
        assertEquals("logical", server.psql("SHOW wal_level"));
        assertEquals("300", server.psql("SHOW max_connections"));
        assertEquals("20", server.psql("SHOW max_wal_senders"));
        assertEquals("20", server.psql("SHOW max_replication_slots"));
    }

    @Test
    void psqlReturnsRowsAndThrowsOnErrors(TestServer server) {
        assertEquals("1|a\n2|b", server.psql("SET search_path = public; SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v"));
        assertEquals(server.user(), server.psql("SELECT current_user"));
        assertEquals(server.database(), server.psql("SELECT current_database()"));
        assertThrows(IllegalStateException.class, () -> server.psql("SELECT 1; SELEC 2"));
    }

    @Test
    void rolesExistWithTheirPasswordStorage(TestServer server) {
        assumeTrue(server.hasTestRoles(), "the test roles do not exist on this server");
        String rows = server.psql("SELECT rolname, rolcanlogin, rolreplication, "
                + "CASE WHEN rolpassword IS NULL THEN 'none' WHEN rolpassword LIKE 'md5%' THEN 'md5' "
                + "WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram' ELSE 'other' END "
                + "FROM pg_authid WHERE rolname LIKE 'pgreen%' ORDER BY rolname");
        Map<String, String> byRole = new HashMap<>();
        for (String line : rows.split("\n")) byRole.put(line.substring(0, line.indexOf('|')), line);
        assertEquals("pgreen_trust|t|f|none", byRole.get(TestRoles.TRUST_USER));
        assertEquals("pgreen_password|t|f|scram", byRole.get(TestRoles.PASSWORD_USER));
        assertEquals("pgreen_md5|t|f|md5", byRole.get(TestRoles.MD5_USER));
        assertEquals("pgreen_scram|t|f|scram", byRole.get(TestRoles.SCRAM_USER));
        assertEquals("pgreen_repl|t|t|scram", byRole.get(TestRoles.REPLICATION_USER));
        assertTrue(byRole.get(TestRoles.SUPERUSER).startsWith("pgreen|t|t|"), byRole.get(TestRoles.SUPERUSER));
        assertEquals("t", server.psql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    }

    @Test
    void hbaRulesOfTheLocalCluster(TestServer server) {
        assumeTrue(server.kind() == TestServer.Kind.LOCAL, "pg_hba.conf checked for the throwaway cluster only");
        assertEquals("0", server.psql("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL"));
        String rules = server.psql("SELECT type, array_to_string(database, ','), array_to_string(user_name, ','), "
                + "coalesce(address, ''), auth_method FROM pg_hba_file_rules ORDER BY line_number");
        List<String> expected = new ArrayList<>(List.of("local|all|all||trust", "local|replication|all||trust"));
        for (String addr : List.of("127.0.0.1", "::1")) {
            if (server.certificates().isPresent()) {
                expected.add("hostssl|all|pgreen_tls|" + addr + "|scram-sha-256");
                expected.add("hostnossl|all|pgreen_tls|" + addr + "|reject");
                expected.add("hostssl|all|pgreen_cert|" + addr + "|cert");
                expected.add("hostnossl|all|pgreen_cert|" + addr + "|reject");
                expected.add("hostnossl|all|pgreen_nossl|" + addr + "|scram-sha-256");
                expected.add("hostssl|all|pgreen_nossl|" + addr + "|reject");
            }
            for (String db : List.of("all", "replication")) {
                expected.add("host|" + db + "|pgreen_password|" + addr + "|password");
                expected.add("host|" + db + "|pgreen_md5|" + addr + "|md5");
                expected.add("host|" + db + "|pgreen_scram|" + addr + "|scram-sha-256");
            }
            expected.add("host|all|all|" + addr + "|trust");
            expected.add("host|replication|all|" + addr + "|trust");
        }
        assertEquals(String.join("\n", expected), rules);
    }

    @Test
    void connectionStrings(TestServer server) {
        assumeOurServer(server);
        String base = "host=" + server.host() + " port=" + server.port();
        // A server with TLS is asked for plaintext unless a test says otherwise (tlsDsn).
        String plain = server.certificates().isPresent() ? " sslmode=disable" : "";
        assertEquals(base + " user=pgreen dbname=pgreen" + plain, server.dsn());
        assertEquals(base + " user=pgreen_md5 dbname=pgreen" + plain + " password=pgreen-secret",
                server.dsn(TestRoles.MD5_USER, TestRoles.PASSWORD));
        assertEquals(base + " user=pgreen_trust dbname=pgreen" + plain, server.dsn(TestRoles.TRUST_USER, null));
        assertEquals(base + " user=pgreen_md5 dbname=pgreen password=pgreen-secret",
                server.tlsDsn(TestRoles.MD5_USER, TestRoles.PASSWORD));
        assertEquals("postgresql://pgreen@" + server.host() + ":" + server.port() + "/pgreen"
                + (plain.isEmpty() ? "" : "?sslmode=disable"), server.uri());
        assertEquals(TestRoles.DATABASE, server.database());
        assertEquals(TestRoles.SUPERUSER, server.user());
        assertEquals(server.kind() == TestServer.Kind.LOCAL, server.socketDir().isPresent());
    }

    @Test
    void eachRoleLogsInOverTcpWithItsMethod(TestServer server) {
        assumeOurServer(server);
        assumeTrue(server.hasTestRoles());
        for (String user : List.of(TestRoles.SUPERUSER, TestRoles.TRUST_USER, TestRoles.REPLICATION_USER)) {
            LocalCluster.Result r = psqlAs(server, server.dsn(user, null), "SELECT current_user");
            assertEquals(0, r.exit(), r.output());
            assertEquals(user, r.stdout().trim());
        }
        for (String user : List.of(TestRoles.PASSWORD_USER, TestRoles.MD5_USER, TestRoles.SCRAM_USER)) {
            LocalCluster.Result ok = psqlAs(server, server.dsn(user, TestRoles.PASSWORD), "SELECT current_user");
            assertEquals(0, ok.exit(), ok.output());
            assertEquals(user, ok.stdout().trim());
            // Also through the URI form.
            LocalCluster.Result viaUri = psqlAs(server, server.uri(user, TestRoles.PASSWORD), "SELECT 1");
            assertEquals(0, viaUri.exit(), viaUri.output());
            LocalCluster.Result wrong = psqlAs(server, server.dsn(user, "wrong-secret"), "SELECT 1");
            assertNotEquals(0, wrong.exit(), wrong.output());
            assertTrue(wrong.stderr().contains("password authentication failed"), wrong.output());
            LocalCluster.Result none = psqlAs(server, server.dsn(user, null), "SELECT 1");
            assertNotEquals(0, none.exit(), none.output());
        }
    }

    /** The TLS roles, checked with libpq itself: the harness's certificates and hba lines are what the tests assume. */
    @Test
    void tlsRolesLogInWithLibpqAsTheirLinesSay(TestServer server) {
        assumeTrue(server.certificates().isPresent(), "the server has no TLS");
        TestCertificates tls = server.certificates().get();
        String verify = " sslmode=verify-full sslrootcert=" + tls.caCert();
        String tlsUser = server.dsn(TestRoles.TLS_USER, TestRoles.PASSWORD);
        LocalCluster.Result ok = psqlAs(server, tlsUser + verify + " host=localhost", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        assertEquals(0, ok.exit(), ok.output());
        assertEquals("t", ok.stdout().trim());
        LocalCluster.Result plain = psqlAs(server, tlsUser + " sslmode=disable", "SELECT 1");
        assertTrue(plain.stderr().contains("no pg_hba.conf entry") || plain.stderr().contains("rejects"), plain.output());

        String certUser = server.dsn(TestRoles.CERT_USER, null) + verify + " sslcert=" + tls.clientEcCert();
        for (Path key : List.of(tls.clientEcKeySec1(), tls.clientEcKeyPkcs8())) {
            LocalCluster.Result cert = psqlAs(server, certUser + " sslkey=" + key, "SELECT current_user");
            assertEquals(0, cert.exit(), cert.output());
        }
        LocalCluster.Result rsa = psqlAs(server, server.dsn(TestRoles.CERT_USER, null) + verify + " sslcert="
                + tls.clientRsaCert() + " sslkey=" + tls.clientRsaKeyEncrypted() + " sslpassword=" + TestCertificates.KEY_PASSWORD,
                "SELECT current_user");
        assertEquals(0, rsa.exit(), rsa.output());
        LocalCluster.Result revoked = psqlAs(server, server.dsn(TestRoles.CERT_USER, null) + verify + " sslcert="
                + tls.revokedClientCert() + " sslkey=" + tls.revokedClientKey(), "SELECT 1");
        assertNotEquals(0, revoked.exit(), "the server's CRL revokes this client certificate: " + revoked.output());

        LocalCluster.Result nossl = psqlAs(server, server.dsn(TestRoles.NOSSL_USER, TestRoles.PASSWORD) + " sslmode=require", "SELECT 1");
        assertNotEquals(0, nossl.exit(), nossl.output());
        LocalCluster.Result revokedServer = psqlAs(server, tlsUser + verify + " sslcrl=" + tls.crlServerRevoked(), "SELECT 1");
        assertTrue(revokedServer.stderr().contains("certificate verify failed"), revokedServer.output());
    }

    @Test
    void replicationRoleOpensReplicationConnections(TestServer server) {
        assumeOurServer(server);
        assumeTrue(server.hasTestRoles());
        LocalCluster.Result r = psqlAs(server, server.dsn(TestRoles.REPLICATION_USER, null) + " replication=database",
                "IDENTIFY_SYSTEM");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.stdout().contains("|" + TestRoles.DATABASE), r.output());
    }

    @Test
    void socketDirectoryAcceptsConnections(TestServer server) {
        assumeTrue(server.socketDir().isPresent(), "no local socket");
        String conn = "host=" + server.socketDir().get() + " port=" + server.port() + " user=" + TestRoles.SUPERUSER
                + " dbname=" + TestRoles.DATABASE;
        LocalCluster.Result r = psqlAs(server, conn, "SELECT coalesce(inet_server_addr()::text, 'socket')");
        assertEquals(0, r.exit(), r.output());
        assertEquals("socket", r.stdout().trim());
    }

    @Test
    void parsesExternalDsns() {
        assertEquals(Map.of("host", "db.example", "port", "6543", "user", "u", "dbname", "d b", "password", "p'w"),
                TestServer.parseKeyValue("host=db.example port = 6543 user=u dbname='d b' password='p\\'w'"));
        assertEquals(Map.of("host", "db.example", "port", "6543", "user", "u@x", "password", "p:w", "dbname", "d",
                        "sslmode", "disable"),
                TestServer.parseUri("postgresql://u%40x:p:w@db.example:6543/d?sslmode=disable"));
        assertEquals(Map.of("host", "::1", "port", "5432"), TestServer.parseUri("postgres://[::1]:5432"));
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("host", "/tmp/s");
        p.put("port", "5");
        p.put("user", "u");
        p.put("dbname", "d");
        assertEquals("postgresql://u@:5/d?host=%2Ftmp%2Fs", TestServer.renderUri(p));
        p.put("password", "a b'c");
        assertEquals("host=/tmp/s port=5 user=u dbname=d password='a b\\'c'", TestServer.renderKeyValue(p));
        assertEquals(p, TestServer.parseKeyValue(TestServer.renderKeyValue(p)));
        assertEquals(p, TestServer.parseUri(TestServer.renderUri(p)));
    }

    /** psql as any role, never prompting for a password; the result is returned, not checked. */
    private static LocalCluster.Result psqlAs(TestServer server, String conn, String sql) {
        String binDir;
        try {
            binDir = server.binDir();
        } catch (IllegalStateException e) {
            assumeTrue(false, "no local psql binary: " + e.getMessage());
            throw e;
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.put("PGCONNECT_TIMEOUT", "10");
        return LocalCluster.run(List.of(binDir + "/psql", "-X", "-A", "-t", "-q", "-w", "-d", conn, "-c", sql),
                null, null, Duration.ofSeconds(60), env);
    }
}
