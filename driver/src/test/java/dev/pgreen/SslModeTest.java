package dev.pgreen;

import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.*;

/** pgreen has no TLS yet: modes that demand it fail clearly instead of connecting in plaintext. */
@ExtendWith(PgServerExtension.class)
class SslModeTest {

    @ParameterizedTest
    @ValueSource(strings = {"require", "verify-ca", "verify-full"})
    void modesThatDemandSslAreRefused(String mode, TestServer server) {
        OperationalException e = assertThrows(OperationalException.class,
                () -> Pgreen.connect(server.dsn() + " sslmode=" + mode));
        assertTrue(e.getMessage().contains("sslmode=" + mode), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer"})
    void modesThatAllowPlaintextConnect(String mode, TestServer server) {
        try (Connection conn = Pgreen.connect(server.dsn() + " sslmode=" + mode)) {
            assertEquals(1, conn.cursor().execute("SELECT 1").fetchOne().get(0));
        }
    }
}
