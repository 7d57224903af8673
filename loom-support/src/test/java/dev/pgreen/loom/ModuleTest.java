package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.testing.ModuleCheck;
import dev.pgreen.wait.SelectWait;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** loom-support as the module {@code dev.pgreen.loom}, loaded on the module path with those it requires. */
class ModuleTest {
    private static final Module LOOM = ModuleCheck.layer("dev.pgreen.loom", Loom.class, SelectWait.class,
            Connection.class).findModule("dev.pgreen.loom").orElseThrow();

    @Test
    void exportsOnlyItsPackage() {
        assertEquals(Set.of("dev.pgreen.loom"), ModuleCheck.exported(LOOM));
        assertEquals(Set.of("dev.pgreen.loom"), LOOM.getPackages());
    }

    @Test
    void noInternalTypeInThePublicApi() {
        assertEquals(List.of(), ModuleCheck.leaks(LOOM));
    }

    @Test
    void readsWhatThePoolsMBeanNeeds() {
        assertTrue(LOOM.canRead(ModuleLayer.boot().findModule("java.management").orElseThrow()));
    }
}
