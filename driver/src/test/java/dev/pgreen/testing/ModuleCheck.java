package dev.pgreen.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads the project's modules on the module path, as a user of the published jars would, from the
 * locations the tests' own class path has them at (a jar, or a {@code target/classes} once prepare-package
 * has compiled its module-info.class). The tests run on the class path, so this is where the module
 * descriptors meet the JVM's module system.
 */
public final class ModuleCheck {
    private ModuleCheck() {}

    /**
     * A layer over the boot layer holding {@code root} and what it requires, the modules found where the
     * classes {@code anchors} were loaded from; its own class loader, under the platform loader, so that
     * nothing is borrowed from the class path.
     */
    public static ModuleLayer layer(String root, Class<?>... anchors) {
        Path[] paths = Stream.of(anchors).map(ModuleCheck::asModule).distinct().toArray(Path[]::new);
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(ModuleFinder.of(paths), ModuleFinder.of(), Set.of(root));
        return boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    }

    /** The packages {@code module} exports to everyone. */
    public static Set<String> exported(Module module) {
        return module.getPackages().stream().filter(module::isExported).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Every public or protected member of an exported package whose signature names a type that its
     * module does not export (an internal type leaking into the API), as {@code "Class.member: Type"}.
     */
    public static List<String> leaks(Module module) {
        Set<String> found = new TreeSet<>();
        for (Class<?> c : apiClasses(module)) {
            check(found, c, "extends", c.getGenericSuperclass());
            for (Type t : c.getGenericInterfaces()) {
                check(found, c, "implements", t);
            }
            for (Field f : c.getDeclaredFields()) {
                if (api(f.getModifiers()) && !f.isSynthetic()) {
                    check(found, c, f.getName(), f.getGenericType());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (api(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    check(found, c, m.getName() + "()", m.getGenericReturnType());
                    checkAll(found, c, m.getName() + "()", m.getGenericParameterTypes());
                    checkAll(found, c, m.getName() + "()", m.getGenericExceptionTypes());
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (api(k.getModifiers()) && !k.isSynthetic()) {
                    checkAll(found, c, "<init>", k.getGenericParameterTypes());
                    checkAll(found, c, "<init>", k.getGenericExceptionTypes());
                }
            }
        }
        return List.copyOf(found);
    }

    /** The classes a user of the module can name: public, in an exported package, reachable from outside. */
    public static List<Class<?>> apiClasses(Module module) {
        List<Class<?>> classes = new ArrayList<>();
        ClassLoader loader = module.getClassLoader();
        Set<String> exported = exported(module);
        var ref = module.getLayer().configuration().findModule(module.getName()).orElseThrow().reference();
        try (ModuleReader reader = ref.open(); Stream<String> entries = reader.list()) {
            for (String entry : entries.toList()) {
                if (!entry.endsWith(".class") || entry.endsWith("module-info.class") || entry.startsWith("META-INF/")) {
                    continue;
                }
                String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                Class<?> c = Class.forName(name, false, loader);
                if (exported.contains(c.getPackageName()) && visible(c)) {
                    classes.add(c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        return classes;
    }

    private static boolean api(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static boolean visible(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
            return false;
        }
        for (Class<?> x = c; x != null; x = x.getDeclaringClass()) {
            if (!api(x.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static void checkAll(Set<String> found, Class<?> c, String where, Type[] types) {
        for (Type t : types) {
            check(found, c, where, t);
        }
    }

    private static void check(Set<String> found, Class<?> c, String where, Type t) {
        switch (t) {
            case null -> { }
            case Class<?> k when k.isArray() -> check(found, c, where, k.getComponentType());
            case Class<?> k when k.isPrimitive() -> { }
            case Class<?> k -> {
                if (!k.getModule().isExported(k.getPackageName()) || !visible(k)) {
                    found.add(c.getName() + "." + where + ": " + k.getName());
                }
            }
            case ParameterizedType p -> {
                check(found, c, where, p.getRawType());
                checkAll(found, c, where, p.getActualTypeArguments());
            }
            case GenericArrayType g -> check(found, c, where, g.getGenericComponentType());
            case WildcardType w -> {
                checkAll(found, c, where, w.getUpperBounds());
                checkAll(found, c, where, w.getLowerBounds());
            }
            case TypeVariable<?> v -> checkAll(found, c, where, v.getBounds());
            default -> throw new AssertionError("unknown kind of type: " + t);
        }
    }

    /** Where {@code anchor} was loaded from: a jar, or a {@code target/classes} with its module-info.class. */
    private static Path asModule(Class<?> anchor) {
        Path location;
        try {
            location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
        if (!Files.isRegularFile(location) && !Files.exists(location.resolve("module-info.class"))) {
            throw new AssertionError(location + " holds no module-info.class: the build compiles it in"
                    + " prepare-package, so ModuleTest runs in integration-test (mvn verify)");
        }
        return location;
    }
}
