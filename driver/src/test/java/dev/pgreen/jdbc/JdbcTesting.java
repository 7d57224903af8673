package dev.pgreen.jdbc;

import dev.pgreen.testing.TestServer;
import dev.pgreen.transport.DsnParser;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.stream.Collectors;

/** The test server as a {@code jdbc:pgreen:} URL, for this package's tests and the library tests elsewhere. */
public final class JdbcTesting {
    private JdbcTesting() {}

    /** {@code jdbc:pgreen://host:port/db?user=...} with the test server's every other setting. */
    public static String url(TestServer server) {
        return url(server, "");
    }

    /** {@link #url(TestServer)} with {@code extra} ({@code key=value&...}) appended to the settings. */
    public static String url(TestServer server, String extra) {
        Map<String, String> params = DsnParser.parse(server.dsn());
        String host = params.remove("host");
        String port = params.remove("port");
        String db = params.remove("dbname");
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        if (!extra.isEmpty()) {
            query = query.isEmpty() ? extra : query + "&" + extra;
        }
        String hostPart = host.startsWith("/") ? "" : host + ":" + port;
        if (host.startsWith("/")) {
            query = "host=" + URLEncoder.encode(host, StandardCharsets.UTF_8) + "&port=" + port + "&" + query;
        }
        return "jdbc:pgreen://" + hostPart + "/" + db + (query.isEmpty() ? "" : "?" + query);
    }

    public static Connection connect(TestServer server) throws SQLException {
        return DriverManager.getConnection(url(server));
    }
}
