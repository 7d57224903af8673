package dev.pgreen;

import dev.pgreen.testing.ModuleCheck;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.sql.Driver;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver as the module {@code dev.pgreen}: what it exports, requires and provides, loaded on the module path. */
class ModuleTest {
    private static final ModuleLayer LAYER = ModuleCheck.layer("dev.pgreen", Connection.class);
    private static final Module DRIVER = LAYER.findModule("dev.pgreen").orElseThrow();

    @Test
    void exportsOnlyThePublicPackages() {
        assertEquals(Set.of("dev.pgreen", "dev.pgreen.adapt", "dev.pgreen.errors", "dev.pgreen.extras",
                "dev.pgreen.jdbc", "dev.pgreen.replication"), ModuleCheck.exported(DRIVER));
        assertTrue(DRIVER.getDescriptor().exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertTrue(DRIVER.getDescriptor().opens().isEmpty());
        assertTrue(DRIVER.getPackages().contains("dev.pgreen.protocol"), "the internals are in the module");
    }

    @Test
    void noInternalTypeInThePublicApi() {
        assertEquals(List.of(), ModuleCheck.leaks(DRIVER));
    }

    @Test
    void requiresJavaSqlTransitively() {
        assertTrue(DRIVER.getDescriptor().requires().stream().anyMatch(r -> r.name().equals("java.sql")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)));
    }

    @Test
    void providesTheJdbcDriverAsAServiceAndOnTheClassPath() throws Exception {
        List<String> providers = ServiceLoader.load(LAYER, Driver.class).stream()
                .filter(p -> p.type().getModule() == DRIVER)
                .map(p -> p.type().getName())
                .toList();
        assertEquals(List.of("dev.pgreen.jdbc.PgreenDriver"), providers);
        try (var in = DRIVER.getResourceAsStream("META-INF/services/java.sql.Driver")) {
            assertEquals("dev.pgreen.jdbc.PgreenDriver", new String(in.readAllBytes()).strip());
        }
    }
}
