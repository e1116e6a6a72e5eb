package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Flatten;
import org.vectorgrad.nn.ReLU;
import org.vectorgrad.nn.Sequential;

/**
 * Mutation fuzzing of the safetensors reader and the model loader: valid files mutated at random (bit flips, byte
 * stores, truncation, extension, header-length edits, textual header edits) must each either load or fail with
 * {@link ModelFileException}, never any other exception or error (no OutOfMemoryError, no silent partial load).
 * Seeded, so a failure reproduces; the failing case's seed is in the message. Plain JUnit with a seeded
 * generator rather than jqwik: the project keeps test dependencies to JUnit.
 */
class SafeTensorsFuzzTest {
    static final int CASES = 6000;
    static final Path NAME = Path.of("fuzz.safetensors");

    @Test
    void everyMutatedFileLoadsOrIsRefusedWithOurException() {
        Sequential model = new Sequential(new Flatten(), new Dense(6, 5, 1), new ReLU(), new Dense(5, 3, 2));
        byte[] valid = ModelFile.encode(model, Map.of("note", "fuzz"));
        int headerLen = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(valid, 8, headerLen, StandardCharsets.UTF_8);
        SplittableRandom master = new SplittableRandom(20261201);
        int loaded = 0, refused = 0;
        for (int i = 0; i < CASES; i++) {
            long seed = master.nextLong();
            byte[] f = mutate(valid, header, new SplittableRandom(seed));
            try {
                SafeTensors.Contents c = SafeTensors.decode(NAME, f);
                ModelFile.load(NAME, c); // the architecture and shapes from a mutated header, too
                loaded++;
            } catch (ModelFileException e) {
                assertTrue(e.getMessage().startsWith(NAME.toString()), e.getMessage());
                refused++;
            } catch (Throwable t) {
                fail("case " + i + " (seed " + seed + "): " + t + " is not a ModelFileException; file head "
                        + new String(f, 0, Math.min(f.length, 200), StandardCharsets.ISO_8859_1), t);
            }
        }
        assertEquals(CASES, loaded + refused);
        assertTrue(refused > CASES / 2, "most mutations must be refused, got " + refused);
    }

    /** Architecture specs mutated token by token (valid safetensors around them) rebuild or are refused cleanly. */
    @Test
    void mutatedArchitecturesRebuildOrAreRefusedWithOurException() {
        Sequential model = new Sequential(new org.vectorgrad.nn.Conv2d(1, 2, 3, 1, 1, 1), new ReLU(), new org.vectorgrad.nn.MaxPool2d(2, 2),
                new Flatten(), new Dense(8, 3, 2), new org.vectorgrad.nn.LeakyReLU(0.1f));
        byte[] valid = ModelFile.encode(model, Map.of());
        SafeTensors.Contents c;
        try {
            c = SafeTensors.decode(NAME, valid);
        } catch (ModelFileException e) {
            throw new AssertionError(e);
        }
        String arch = c.metadata().get(ModelFile.KEY_ARCHITECTURE);
        String[] replacements = {"0", "-1", "1", "2", "3", "99999", "2147483647", "1e3", "0.5", "true", "false", "null", "[]", "{}",
                "\"Dense\"", "\"Conv2d\"", "\"Sum\"", "\"Sequential\"", "\"LeakyReLU\"", "\"layers\"", "[1,2]", "[0,0,0,0]", "\"\""};
        SplittableRandom r = new SplittableRandom(7);
        int rebuilt = 0;
        for (int i = 0; i < 3000; i++) {
            String a = arch;
            for (int k = 0; k < 1 + r.nextInt(2); k++) {
                int p = r.nextInt(a.length()), e = p;
                while (e < a.length() && (Character.isLetterOrDigit(a.charAt(e)) || a.charAt(e) == '.' || a.charAt(e) == '"')) e++;
                if (e == p) e = p + 1;
                a = a.substring(0, p) + replacements[r.nextInt(replacements.length)] + a.substring(Math.min(e, a.length()));
            }
            Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
            meta.put(ModelFile.KEY_ARCHITECTURE, a);
            SafeTensors.Contents mutated = new SafeTensors.Contents(meta, c.tensors());
            try {
                ModelFile.load(NAME, mutated);
                rebuilt++;
            } catch (ModelFileException ex) {
                assertTrue(ex.getMessage().startsWith(NAME.toString()), ex.getMessage());
            } catch (Throwable t) {
                fail("architecture " + a + ": " + t + " is not a ModelFileException", t);
            }
        }
        assertTrue(rebuilt < 3000, "some mutations must be refused");
    }

    static byte[] mutate(byte[] valid, String header, SplittableRandom r) {
        byte[] f = valid.clone();
        int rounds = 1 + r.nextInt(3);
        for (int k = 0; k < rounds; k++) {
            switch (r.nextInt(8)) {
                case 0 -> { int p = r.nextInt(f.length); f[p] ^= (byte) (1 << r.nextInt(8)); }
                case 1 -> { int p = r.nextInt(f.length); f[p] = (byte) r.nextInt(256); }
                case 2 -> f = Arrays.copyOf(f, r.nextInt(f.length + 1));
                case 3 -> f = Arrays.copyOf(f, f.length + 1 + r.nextInt(16));
                case 4 -> {
                    if (f.length >= 8) {
                        long[] picks = {0, -1, 1L << 40, r.nextInt(f.length + 8), header.length() + 8L, header.length() - 8L};
                        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, picks[r.nextInt(picks.length)]);
                    }
                }
                case 5, 6, 7 -> f = editHeader(f, r);
                default -> throw new AssertionError();
            }
        }
        return f;
    }

    /** Replaces a token of the JSON header (a number, a quoted word, a bracket) and rewrites the length field. */
    static byte[] editHeader(byte[] f, SplittableRandom r) {
        if (f.length < 8) return f;
        long n = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > f.length - 8) return f;
        String h = new String(f, 8, (int) n, StandardCharsets.ISO_8859_1);
        String[] replacements = {"0", "-1", "4", "99999999999", "1e3", "\"F16\"", "\"F32\"", "[]", "{}", "null", "[1,2,3]",
                "\"0.weight\"", "\"1.weight\"", "2147483647", "\"shape\"", "\"\\ud800\"", "[[[[", "9223372036854775807"};
        String edited;
        int p = r.nextInt(h.length());
        int e = p;
        while (e < h.length() && (Character.isLetterOrDigit(h.charAt(e)) || h.charAt(e) == '.')) e++;
        if (e == p) e = Math.min(h.length(), p + 1);
        edited = h.substring(0, p) + replacements[r.nextInt(replacements.length)] + h.substring(e);
        byte[] eh = edited.getBytes(StandardCharsets.ISO_8859_1);
        int data = f.length - 8 - (int) n;
        ByteBuffer b = ByteBuffer.allocate(8 + eh.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(eh.length).put(eh).put(f, 8 + (int) n, data);
        return b.array();
    }
}
