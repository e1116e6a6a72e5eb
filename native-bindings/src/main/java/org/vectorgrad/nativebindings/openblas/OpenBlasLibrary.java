package org.vectorgrad.nativebindings.openblas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The loader behind the bindings: opens an OpenBLAS shared library by name or path, once per name, and records why
 * when it cannot. Not generated. jextract's {@code cblas_h} is generated without {@code --library}, so it opens no
 * library itself (its class initializer cannot fail): it finds its symbols through
 * {@link java.lang.foreign.SymbolLookup#loaderLookup()}, i.e. in the libraries loaded with {@link System#load} by
 * this class loader. This class decides which library that is, and turns "library absent" into a value to report.
 *
 * <p>One library is <em>bound</em> to the process: the one whose symbols {@link cblas_h} and {@link CriticalCblas}
 * call. The first {@link #bind} wins (it {@code System.load}s the library's file, after which {@code cblas_h}'s
 * lookup finds it; handles are created once and cannot be re-pointed); if nothing was bound when
 * {@link CriticalCblas} is first used, {@link #DEFAULT_NAME} is bound. Call {@link #bind} (the backend does, through
 * its availability check) before calling {@link cblas_h}'s functions directly: a generated handle whose symbol is not
 * found fails its class initialization for good. Opening other names (e.g. to test an absent library) never disturbs
 * the bound one. A library, once opened, stays loaded for the life of the process (global arena, and the class
 * loader for the bound one): unloading OpenBLAS while its worker threads exist is unsafe. Thread-safe.
 */
public final class OpenBlasLibrary {
    /** The Debian/Ubuntu file name of OpenBLAS (packages {@code libopenblas0-pthread} / {@code libopenblas0}). */
    public static final String DEFAULT_NAME = "libopenblas.so.0";

    /** Every symbol the bindings use ({@link cblas_h}'s nine functions); a library lacking one is reported unusable. */
    public static final List<String> SYMBOLS = List.of(
            "cblas_sgemm", "cblas_sgemv", "cblas_saxpy", "cblas_sdot", "cblas_sscal",
            "openblas_set_num_threads", "openblas_get_num_threads", "openblas_get_config", "openblas_get_corename");

    private static final ConcurrentHashMap<String, OpenBlasLibrary> OPENED = new ConcurrentHashMap<>();
    private static final AtomicReference<OpenBlasLibrary> BOUND = new AtomicReference<>();

    private final String name;
    private final SymbolLookup lookup;     // null when the library could not be opened
    private final String failure;          // null when usable

    private OpenBlasLibrary(String name, SymbolLookup lookup, String failure) {
        this.name = name;
        this.lookup = lookup;
        this.failure = failure;
    }

    /**
     * The library named {@code name}: a file name searched like {@code dlopen} does ({@code libopenblas.so.0}),
     * an absolute path, or jextract's {@code :file} spelling. Opened at most once per name; never throws.
     */
    public static OpenBlasLibrary open(String name) {
        Objects.requireNonNull(name, "library name");
        return OPENED.computeIfAbsent(name, OpenBlasLibrary::load);
    }

    private static OpenBlasLibrary load(String name) {
        String file = name.startsWith(":") ? name.substring(1) : name;
        SymbolLookup lookup;
        try {
            lookup = file.indexOf('/') >= 0
                    ? SymbolLookup.libraryLookup(Path.of(file), Arena.global())
                    : SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
            return new OpenBlasLibrary(name, null, "cannot load " + file + " (" + e.getMessage() + ")");
        }
        List<String> missing = new ArrayList<>();
        for (String s : SYMBOLS) if (lookup.find(s).isEmpty()) missing.add(s);
        String failure = missing.isEmpty() ? null
                : file + " was loaded but lacks " + String.join(", ", missing) + " (not an OpenBLAS build with the CBLAS interface?)";
        return new OpenBlasLibrary(name, lookup, failure);
    }

    /** The name this library was opened with. */
    public String name() { return name; }

    /** True when the library was opened and has every symbol of {@link #SYMBOLS}. */
    public boolean usable() { return failure == null; }

    /** Why the library is not usable, or null when it is. */
    public String failure() { return failure; }

    /** The address of {@code symbol}; {@link IllegalStateException} with the reason when it is not there. */
    public MemorySegment findOrThrow(String symbol) {
        if (lookup == null) throw new IllegalStateException("OpenBLAS unavailable: " + failure);
        return lookup.find(symbol).orElseThrow(
                () -> new IllegalStateException("symbol " + symbol + " not found in " + name));
    }

    /**
     * Makes {@code library} the one {@link cblas_h} and {@link CriticalCblas} call into, if no library is bound yet:
     * loads its file with {@link System#load} so that {@code cblas_h}'s loader lookup finds the symbols there (for a
     * library opened by file name, the file the dynamic linker chose, read from {@code /proc/self/maps}). Returns true
     * when {@code library} is (now or already) the bound one, false when another library was bound first.
     *
     * @throws IllegalArgumentException when {@code library} is not {@link #usable()}
     * @throws IllegalStateException    when its file cannot be found or {@code System.load} refuses it
     */
    public static boolean bind(OpenBlasLibrary library) {
        Objects.requireNonNull(library, "library");
        if (!library.usable()) throw new IllegalArgumentException("cannot bind unusable library: " + library.failure);
        OpenBlasLibrary b = BOUND.get();
        if (b != null) return b == library;
        synchronized (OpenBlasLibrary.class) {
            b = BOUND.get();
            if (b != null) return b == library;
            Path file = library.file();
            try {
                System.load(file.toString());
            } catch (LinkageError | SecurityException e) {
                throw new IllegalStateException("cannot load " + file + " for the OpenBLAS bindings (" + e.getMessage() + ")", e);
            }
            BOUND.set(library);     // published only once cblas_h can find the symbols
            return true;
        }
    }

    /** The absolute path of this library's file: the path it was opened with, or the file mapped for its code. */
    private Path file() {
        String f = name.startsWith(":") ? name.substring(1) : name;
        if (f.indexOf('/') >= 0) return Path.of(f).toAbsolutePath();
        long address = findOrThrow(SYMBOLS.get(0)).address();
        return mappedFile(address).orElseThrow(() -> new IllegalStateException(
                "cannot find the file of " + name + " (no mapping of address 0x" + Long.toHexString(address)
                        + " with a path in /proc/self/maps)"));
    }

    /**
     * The file mapped at {@code address} in this process, from {@code /proc/self/maps} (Linux); empty when no file
     * mapping contains it or the table cannot be read.
     */
    static Optional<Path> mappedFile(long address) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/maps"));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            // start-end perms offset dev inode [path]
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 6 || !f[5].startsWith("/")) continue;
            int dash = f[0].indexOf('-');
            if (dash < 0) continue;
            long start = Long.parseUnsignedLong(f[0], 0, dash, 16), end = Long.parseUnsignedLong(f[0], dash + 1, f[0].length(), 16);
            if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
                return Optional.of(Path.of(f[5]));
            }
        }
        return Optional.empty();
    }

    /** The bound library, binding {@link #DEFAULT_NAME} first if none is; throws when that one is unusable. */
    public static OpenBlasLibrary bound() {
        OpenBlasLibrary b = BOUND.get();
        if (b != null) return b;
        OpenBlasLibrary dflt = open(DEFAULT_NAME);
        if (!dflt.usable()) throw new IllegalStateException("OpenBLAS unavailable: " + dflt.failure);
        bind(dflt);
        return BOUND.get();
    }

    /** The bound library, or null when nothing has been bound yet (never loads anything). */
    public static OpenBlasLibrary boundOrNull() { return BOUND.get(); }

    @Override
    public String toString() {
        return "OpenBlasLibrary[" + name + (failure == null ? ", usable]" : ", " + failure + "]");
    }
}
