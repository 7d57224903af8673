package dev.pgreen.wait;

import dev.pgreen.Connection;
import dev.pgreen.testing.ModuleCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** wait-callbacks as the module {@code dev.pgreen.wait}, loaded on the module path with the driver's. */
class ModuleTest {
    private static final Module WAIT = ModuleCheck.layer("dev.pgreen.wait", SelectWait.class, Connection.class)
            .findModule("dev.pgreen.wait").orElseThrow();

    @Test
    void exportsOnlyItsPackage() {
        assertEquals(Set.of("dev.pgreen.wait"), ModuleCheck.exported(WAIT));
        assertEquals(Set.of("dev.pgreen.wait"), WAIT.getPackages());
    }

    @Test
    void noInternalTypeInThePublicApi() {
        assertEquals(List.of(), ModuleCheck.leaks(WAIT));
    }
}
