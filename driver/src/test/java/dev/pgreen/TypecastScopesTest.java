package dev.pgreen;

import static dev.pgreen.Extensions.adapt;
import static dev.pgreen.Extensions.newArrayType;
import static dev.pgreen.Extensions.newType;
import static dev.pgreen.Extensions.quoted;
import static dev.pgreen.Extensions.registerAdapter;
import static dev.pgreen.Extensions.registerType;
import static dev.pgreen.Extensions.unregisterAdapter;
import static dev.pgreen.Extensions.unregisterType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgreen.adapt.AsIs;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.typecast.Oids;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Typecasting scopes (cursor, then connection, then global, then built-in), newType / newArrayType, an
 * unknown OID as its text, and the seed examples of API.md sections 4 and 5 (psycopg2's Point adapter and
 * cast_point) as a user would write them.
 */
@ExtendWith(PgServerExtension.class)
class TypecastScopesTest {
    private TestServer server;
    private Connection conn;
    private Cursor cur;
    private final List<Typecaster> globals = new ArrayList<>();

    @BeforeEach
    void connect(TestServer server) {
        this.server = server;
        conn = Pgreen.connect(server.dsn());
        cur = conn.cursor();
    }

    @AfterEach
    void close() {
        globals.forEach(Extensions::unregisterType);
        if (conn != null) conn.close();
    }

    private void registerGlobal(Typecaster t) {
        globals.add(t);
        registerType(t);
    }

    private static Typecaster tagging(String tag, int... oids) {
        return newType(oids, tag, (v, c) -> v == null ? null : tag + ":" + v);
    }

    @Test
    void cursorThenConnectionThenGlobalThenBuiltin() {
        registerGlobal(tagging("global", Oids.INT4));
        registerType(tagging("connection", Oids.INT4), conn);
        Cursor mine = conn.cursor();
        registerType(tagging("cursor", Oids.INT4), mine);

        mine.execute("SELECT 1, 2::int8, NULL::int4");
        assertEquals(Arrays.asList("cursor:1", 2L, null), mine.fetchOne().toList());
        cur.execute("SELECT 1");
        assertEquals("connection:1", cur.fetchOne().get(0), "another cursor of the connection");
        try (Connection other = Pgreen.connect(server.dsn())) {
            Cursor c = other.cursor();
            c.execute("SELECT 1");
            assertEquals("global:1", c.fetchOne().get(0), "another connection");
            unregisterType(globals.remove(0));
            c.execute("SELECT 1");
            assertEquals(1, c.fetchOne().get(0), "the built-in once the global one is gone");
        }
    }

    @Test
    void laterRegistrationReplacesEarlierInTheSameScope() {
        Typecaster first = tagging("first", Oids.TEXT);
        Typecaster second = tagging("second", Oids.TEXT);
        registerType(first, cur);
        registerType(second, cur);
        cur.execute("SELECT 'x'::text");
        assertEquals("second:x", cur.fetchOne().get(0));
    }

    @Test
    void casterReceivesTheCursorAndNullForSqlNull() {
        List<Object> seen = new ArrayList<>();
        registerType(newType(new int[] {Oids.NUMERIC}, "SEEN", (v, c) -> {
            seen.add(v);
            seen.add(c);
            return v == null ? null : Double.valueOf(v); // psycopg2's DEC2FLOAT
        }), cur);
        cur.execute("SELECT 1.5::numeric, NULL::numeric");
        assertEquals(Arrays.asList(1.5, null), cur.fetchOne().toList());
        assertEquals(Arrays.asList("1.5", cur, null, cur), seen);
    }

    @Test
    void builtinConstantsCanBeRegisteredForOtherOids() {
        // varchar read as DECIMAL, in this cursor only
        registerType(newType(new int[] {Oids.VARCHAR}, "VARCHAR_AS_DECIMAL", Extensions.DECIMAL::cast), cur);
        cur.execute("SELECT '1.50'::varchar");
        assertEquals(new BigDecimal("1.50"), cur.fetchOne().get(0));
    }

    @Test
    void unknownOidArrivesAsString() {
        cur.execute("SELECT '(1,2)'::point, '<(0,0),1>'::circle, 'a & b'::tsquery");
        assertEquals(Oids.POINT, cur.description().get(0).typeCode());
        assertEquals(List.of("(1,2)", "<(0,0),1>", "'a' & 'b'"), cur.fetchOne().toList());
    }

    @Test
    void newArrayTypeOverABuiltinAndOverAUserType() {
        Typecaster upper = newType(new int[] {Oids.TEXT}, "UPPER", (v, c) -> v == null ? null : v.toUpperCase());
        registerType(newArrayType(new int[] {Oids.TEXT_ARRAY}, "UPPERARRAY", upper), cur);
        cur.execute("SELECT ARRAY['a', NULL, 'b c', 'd\"e'], 'f'::text");
        assertEquals(List.of(Arrays.asList("A", null, "B C", "D\"E"), "f"), cur.fetchOne().toList(),
                "the array caster is registered, the element one is not");

        Typecaster intsAsLongs = newArrayType(new int[] {Oids.INT4_ARRAY}, "INT4_AS_LONG", Extensions.LONGINTEGER);
        registerType(intsAsLongs, cur);
        cur.execute("SELECT ARRAY[[1, 2], [NULL, 4]]");
        assertEquals(List.of(List.of(1L, 2L), Arrays.asList(null, 4L)), cur.fetchOne().get(0));
    }

    // ---- the seed examples ----

    record Point(double x, double y) {}

    /** psycopg2's cast_point, in Java. */
    static Object castPoint(String value, Cursor cur) {
        if (value == null) {
            return null;
        }
        Matcher m = Pattern.compile("\\(([^)]+),([^)]+)\\)").matcher(value);
        if (m.matches()) {
            return new Point(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
        }
        throw new InterfaceException("bad point representation: " + value);
    }

    @Test
    void castPointWithTheOidFromDescription() {
        cur.execute("SELECT NULL::point");
        int pointOid = cur.description().get(0).typeCode();
        assertEquals(600, pointOid);
        Typecaster point = newType(new int[] {pointOid}, "POINT", TypecastScopesTest::castPoint);
        registerGlobal(point);

        cur.execute("SELECT '(10.2,20.3)'::point");
        Point p = (Point) cur.fetchOne().get(0);
        assertEquals(new Point(10.2, 20.3), p);

        cur.execute("SELECT NULL::point");
        assertNull(cur.fetchOne().get(0));
        assertThrows(InterfaceException.class, () -> point.cast("nonsense", cur));
    }

    @Test
    void castPointWithTheOidFromPgType() {
        cur.execute("SELECT oid FROM pg_type WHERE typname = %(typename)s", Map.of("typename", "point"));
        long oid = (Long) cur.fetchOne().get(0);
        cur.execute("SELECT oid FROM pg_type WHERE typname = %(typename)s", Map.of("typename", "_point"));
        long arrayOid = (Long) cur.fetchOne().get(0);
        Typecaster point = newType(new int[] {(int) oid}, "POINT", TypecastScopesTest::castPoint);
        registerType(point, conn);
        registerType(newArrayType(new int[] {(int) arrayOid}, "POINTARRAY", point), conn);

        cur.execute("SELECT '(1.5,-2)'::point, ARRAY['(1,2)'::point, NULL]");
        Row row = cur.fetchOne();
        assertEquals(new Point(1.5, -2), row.get(0));
        assertEquals(Arrays.asList(new Point(1, 2), null), row.get(1));
    }

    @Test
    void pointAdapterAsWrittenInTheSeed() {
        registerAdapter(Point.class, p -> new AsIs("'(" + quoted(adapt(p.x())) + ", " + quoted(adapt(p.y())) + ")'"));
        try {
            assertEquals("INSERT INTO atable (apoint) VALUES ('(1.23, 4.56)')",
                    cur.mogrify("INSERT INTO atable (apoint) VALUES (%s)", new Point(1.23, 4.56)));
            cur.execute("CREATE TEMP TABLE atable (apoint point)");
            cur.execute("INSERT INTO atable (apoint) VALUES (%s)", new Point(1.23, 4.56));
            assertEquals("INSERT INTO atable (apoint) VALUES ('(1.23, 4.56)')", cur.query());
            registerType(newType(new int[] {Oids.POINT}, "POINT", TypecastScopesTest::castPoint), cur);
            cur.execute("SELECT apoint FROM atable");
            assertEquals(new Point(1.23, 4.56), cur.fetchOne().get(0));
            // and the lists of them
            cur.execute("SELECT %s::point[]", List.of(new Point(1, 2), new Point(-3, 4.5)));
            assertEquals("{\"(1,2)\",\"(-3,4.5)\"}", cur.fetchOne().get(0));
        } finally {
            unregisterAdapter(Point.class);
        }
    }

    @Test
    void aUserCasterRunsOncePerValue() {
        int[] calls = {0};
        registerType(newType(new int[] {Oids.INT4}, "COUNT", (v, c) -> {
            calls[0]++;
            return v;
        }), cur);
        cur.execute("SELECT g FROM generate_series(1, 1000) g");
        assertEquals(1000, cur.fetchAll().size());
        assertEquals(1000, calls[0]);
    }
}
