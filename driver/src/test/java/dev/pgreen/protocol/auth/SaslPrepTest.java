package dev.pgreen.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SaslPrepTest {
    /** RFC 4013 section 3, the examples that prepare successfully. */
    @ParameterizedTest
    @CsvSource({
        "I\u00adX, IX",        // SOFT HYPHEN mapped to nothing
        "user, user",          // no transformation
        "USER, USER",          // case preserved
        "\u00aa, a",           // NFKC
        "\u2168, IX",          // NFKC
    })
    void rfc4013Examples(String input, String expected) {
        assertEquals(expected, SaslPrep.prepare(input));
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), SaslPrep.prepareOrRaw(input));
    }

    /** RFC 4013 section 3, the examples that fail: the raw string is used instead. */
    @ParameterizedTest
    @ValueSource(strings = {
        "\u0007",              // prohibited character
        "\u0627\u0031",        // bidi: RandALCat string must end with RandALCat
    })
    void rfc4013Errors(String input) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SaslPrep.prepare(input));
        assertFalse(e.getMessage().contains(input));
        assertArrayEquals(input.getBytes(StandardCharsets.UTF_8), SaslPrep.prepareOrRaw(input));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a\u00a0b|a b",        // NO-BREAK SPACE
        "a\u1680b|a b",        // OGHAM SPACE MARK
        "a\u2000b|a b",        // EN QUAD
        "a\u2003b|a b",        // EM SPACE
        "a\u200bb|a b",        // ZERO WIDTH SPACE: C.1.2 wins over B.1, as in PostgreSQL
        "a\u202fb|a b",        // NARROW NO-BREAK SPACE
        "a\u205fb|a b",        // MEDIUM MATHEMATICAL SPACE
        "a\u3000b|a b",        // IDEOGRAPHIC SPACE
        "\u00a0pass\u00a0|' pass '",
    })
    void nonAsciiSpacesMapToSpace(String input, String expected) {
        assertEquals(expected, SaslPrep.prepare(input));
    }

    @ParameterizedTest
    @CsvSource({
        "a\u200db, ab",        // ZERO WIDTH JOINER
        "a\u034fb, ab",        // COMBINING GRAPHEME JOINER
        "a\ufe0fb, ab",        // VARIATION SELECTOR-16
        "\ufeffab, ab",        // ZERO WIDTH NO-BREAK SPACE
    })
    void commonlyMappedToNothingIsRemoved(String input, String expected) {
        assertEquals(expected, SaslPrep.prepare(input));
    }

    @ParameterizedTest
    @CsvSource({
        "\ufb01, fi",                  // compatibility ligature
        "e\u0301, \u00e9",             // canonical composition
        "\uff21\uff22, AB",            // fullwidth letters
        "\u00bd, 1\u20442",            // VULGAR FRACTION ONE HALF
        "\u0627\u0628, \u0627\u0628",  // all RandALCat: allowed
        "\u0627 1\u0628, \u0627 1\u0628", // RandALCat at both ends, no LCat in between
        "\u0220, \u0220",              // assigned in Unicode 3.2, just below unassigned U+0221
    })
    void normalisesAndAccepts(String input, String expected) {
        assertEquals(expected, SaslPrep.prepare(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "abc\u007f",                   // C.2.1 ASCII control
        "tab\there",                   // C.2.1
        "a\u0085b",                    // C.2.2 non-ASCII control
        "a\u2028b",                    // C.2.2 LINE SEPARATOR
        "a\ue000b",                    // C.3 private use
        "a\udb80\udc00b",              // C.3 private use, plane 15 (U+F0000)
        "a\ufdd0b",                    // C.4 non-character
        "a\ud83f\udffeb",              // C.4 non-character U+1FFFE
        "a\ud800b",                    // C.5 lone surrogate
        "a\ufffdb",                    // C.6 REPLACEMENT CHARACTER
        "a\u2ff0b",                    // C.7 ideographic description
        "a\u0340b",                    // C.8, checked before normalisation as in PostgreSQL
        "a\u202eb",                    // C.8 RIGHT-TO-LEFT OVERRIDE
        "a\udb40\udc01b",              // C.9 LANGUAGE TAG U+E0001
        "a\u0221b",                    // A.1 unassigned in Unicode 3.2
        "smile\ud83d\ude00",           // A.1: U+1F600 came after Unicode 3.2
        "\u05d0a\u05d0",               // bidi: LCat in a RandALCat string
        "1\u05d0",                     // bidi: RandALCat string must start with RandALCat
        "\u00ad",                      // maps to nothing
        "\u200d\ufeff",                // maps to nothing
    })
    void rejects(String input) {
        assertThrows(IllegalArgumentException.class, () -> SaslPrep.prepare(input));
    }

    @Test
    void failedPreparationFallsBackToRawBytes() {
        // The raw password wins even where parts of it could have been mapped, as in PostgreSQL.
        String raw = "\u00a0smile\ud83d\ude00";
        assertArrayEquals(raw.getBytes(StandardCharsets.UTF_8), SaslPrep.prepareOrRaw(raw));
        assertArrayEquals("\u00ad".getBytes(StandardCharsets.UTF_8), SaslPrep.prepareOrRaw("\u00ad"));
    }

    @Test
    void asciiAndEmptyPassThrough() {
        assertEquals("", SaslPrep.prepare(""));
        assertEquals("p@ss w0rd!~", SaslPrep.prepare("p@ss w0rd!~"));
        assertArrayEquals(new byte[0], SaslPrep.prepareOrRaw(""));
    }

    @Test
    void tableLookupHitsRangeEdges() {
        int[] table = {0x10, 0x20, 0x30, 0x30, 0x100, 0x10FFFF};
        assertFalse(SaslPrep.inTable(0x0F, table));
        assertEquals(true, SaslPrep.inTable(0x10, table));
        assertEquals(true, SaslPrep.inTable(0x20, table));
        assertFalse(SaslPrep.inTable(0x21, table));
        assertFalse(SaslPrep.inTable(0x2F, table));
        assertEquals(true, SaslPrep.inTable(0x30, table));
        assertFalse(SaslPrep.inTable(0x31, table));
        assertEquals(true, SaslPrep.inTable(0x10FFFF, table));
        assertFalse(SaslPrep.inTable(0x100, new int[0]));
    }
}
