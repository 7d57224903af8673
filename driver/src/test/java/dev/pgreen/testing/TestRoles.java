package dev.pgreen.testing;

import java.util.List;

/**
 * The roles, database and setup SQL every test server provides (throwaway cluster and Testcontainers;
 * an external {@code PGREEN_TEST_DSN} server has them only if someone created them).
 *
 * <p>Authentication over TCP from 127.0.0.1 (see {@link #hbaConf}):
 * <ul>
 *   <li>{@link #SUPERUSER}, {@link #TRUST_USER}, {@link #REPLICATION_USER} and any other role: trust;</li>
 *   <li>{@link #PASSWORD_USER}: cleartext {@code password};</li>
 *   <li>{@link #MD5_USER}: {@code md5} (password stored as md5);</li>
 *   <li>{@link #SCRAM_USER}: {@code scram-sha-256} (password stored as SCRAM).</li>
 * </ul>
 * The same three password methods apply to replication connections of those roles.
 *
 * <p>When the server runs with TLS ({@link #hbaConf(String, String, boolean)}):
 * <ul>
 *   <li>{@link #TLS_USER}: {@code scram-sha-256} over TLS only ({@code hostssl}; {@code hostnossl} rejects);</li>
 *   <li>{@link #CERT_USER}: a client certificate ({@code hostssl ... cert}; {@code hostnossl} rejects);</li>
 *   <li>{@link #NOSSL_USER}: {@code scram-sha-256} in plaintext only ({@code hostnossl}; {@code hostssl} rejects).</li>
 * </ul>
 */
public final class TestRoles {
    private TestRoles() {}

    public static final String SUPERUSER = "pgreen";
    public static final String TRUST_USER = "pgreen_trust";
    public static final String PASSWORD_USER = "pgreen_password";
    public static final String MD5_USER = "pgreen_md5";
    public static final String SCRAM_USER = "pgreen_scram";
    public static final String REPLICATION_USER = "pgreen_repl";
    /** SCRAM, over TLS only. */
    public static final String TLS_USER = "pgreen_tls";
    /** A client certificate with CN=pgreen_cert, over TLS only. */
    public static final String CERT_USER = "pgreen_cert";
    /** SCRAM, in plaintext only. */
    public static final String NOSSL_USER = "pgreen_nossl";
    /** The password of every password role (and of the container superuser). */
    public static final String PASSWORD = "pgreen-secret";
    public static final String DATABASE = "pgreen";

    /** Every role the setup SQL creates (not the superuser). */
    public static final List<String> ROLES =
            List.of(TRUST_USER, PASSWORD_USER, MD5_USER, SCRAM_USER, REPLICATION_USER);
    /** The roles of the TLS tests, made by the setup SQL too (not counted by {@link #COUNT_ROLES_SQL}). */
    public static final List<String> TLS_ROLES = List.of(TLS_USER, CERT_USER, NOSSL_USER);

    /** Run as the superuser while connected to {@link #DATABASE}; idempotent. */
    public static final String SETUP_SQL = """
            SET password_encryption = 'scram-sha-256';
            %s
            %s
            %s
            %s
            %s
            %s
            %s
            SET password_encryption = 'md5';
            %s
            RESET password_encryption;
            GRANT CONNECT, CREATE ON DATABASE %s TO %s;
            GRANT CREATE ON SCHEMA public TO %s;
            """.formatted(
            createRole(TRUST_USER, "LOGIN"),
            createRole(PASSWORD_USER, "LOGIN PASSWORD '" + PASSWORD + "'"),
            createRole(SCRAM_USER, "LOGIN PASSWORD '" + PASSWORD + "'"),
            createRole(REPLICATION_USER, "LOGIN REPLICATION PASSWORD '" + PASSWORD + "'"),
            createRole(TLS_USER, "LOGIN PASSWORD '" + PASSWORD + "'"),
            createRole(NOSSL_USER, "LOGIN PASSWORD '" + PASSWORD + "'"),
            createRole(CERT_USER, "LOGIN"),
            createRole(MD5_USER, "LOGIN PASSWORD '" + PASSWORD + "'"),
            DATABASE, String.join(", ", ROLES) + ", " + String.join(", ", TLS_ROLES),
            String.join(", ", ROLES) + ", " + String.join(", ", TLS_ROLES));

    /** SQL whose single result is the number of {@link #ROLES} that exist (5 when all do). */
    public static final String COUNT_ROLES_SQL =
            "SELECT count(*) FROM pg_roles WHERE rolname IN ('" + String.join("', '", ROLES) + "')";

    private static String createRole(String name, String options) {
        return "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + name + "') THEN "
                + "CREATE ROLE " + name + " " + options + "; END IF; END$$;";
    }

    /**
     * The pg_hba.conf of the test servers (first match wins): local trust, per-method lines for the
     * password roles, then trust for everyone else.
     *
     * @param ipv4 the IPv4 client address range, e.g. {@code 127.0.0.1/32} (or {@code 0.0.0.0/0} in a container)
     * @param ipv6 the IPv6 client address range, e.g. {@code ::1/128} (or {@code ::/0})
     */
    public static String hbaConf(String ipv4, String ipv6) {
        return hbaConf(ipv4, ipv6, false);
    }

    /**
     * The same, with the lines of the TLS roles first when {@code tls} (the server has
     * {@code ssl = on}; a {@code hostssl} line on a server without it draws a warning).
     */
    public static String hbaConf(String ipv4, String ipv6, boolean tls) {
        StringBuilder sb = new StringBuilder("# pgreen test server: generated, first match wins\n");
        sb.append("local all all trust\n");
        sb.append("local replication all trust\n");
        for (String addr : List.of(ipv4, ipv6)) {
            if (tls) {
                sb.append("hostssl all ").append(TLS_USER).append(' ').append(addr).append(" scram-sha-256\n");
                sb.append("hostnossl all ").append(TLS_USER).append(' ').append(addr).append(" reject\n");
                sb.append("hostssl all ").append(CERT_USER).append(' ').append(addr).append(" cert\n");
                sb.append("hostnossl all ").append(CERT_USER).append(' ').append(addr).append(" reject\n");
                sb.append("hostnossl all ").append(NOSSL_USER).append(' ').append(addr).append(" scram-sha-256\n");
                sb.append("hostssl all ").append(NOSSL_USER).append(' ').append(addr).append(" reject\n");
            }
            for (String db : List.of("all", "replication")) {
                sb.append("host ").append(db).append(' ').append(PASSWORD_USER).append(' ').append(addr).append(" password\n");
                sb.append("host ").append(db).append(' ').append(MD5_USER).append(' ').append(addr).append(" md5\n");
                sb.append("host ").append(db).append(' ').append(SCRAM_USER).append(' ').append(addr).append(" scram-sha-256\n");
            }
            sb.append("host all all ").append(addr).append(" trust\n");
            sb.append("host replication all ").append(addr).append(" trust\n");
        }
        return sb.toString();
    }
}
