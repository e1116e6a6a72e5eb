package org.vectorgrad.nativebindings.openblas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The loader behind {@link cblas_h}: opens an OpenBLAS shared library by name or path, once per name, and records
 * why when it cannot. Not generated: jextract's own output opens the library in a static initializer, which would
 * turn "library absent" into an {@link ExceptionInInitializerError}; this class makes it a value to report.
 *
 * <p>One library is <em>bound</em> to the process: the one whose symbols {@link cblas_h}'s downcall handles use.
 * The first {@link #bind} wins (handles are created once and cannot be re-pointed); if nothing was bound when the
 * first function is called, {@link #DEFAULT_NAME} is bound. Opening other names (e.g. to test an absent library)
 * never disturbs the bound one. A library, once opened, stays loaded for the life of the process (global arena):
 * unloading OpenBLAS while its worker threads exist is unsafe.
 */
public final class OpenBlasLibrary {
    /** The Debian/Ubuntu file name of OpenBLAS (packages {@code libopenblas0-pthread} / {@code libopenblas0}). */
    public static final String DEFAULT_NAME = "libopenblas.so.0";

    /** Every symbol {@link cblas_h} binds; a library lacking one of them is reported unusable. */
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
     * Makes {@code library} the one {@link cblas_h} calls into, if no library is bound yet. Returns true when
     * {@code library} is (now or already) the bound one, false when another library was bound first.
     */
    public static boolean bind(OpenBlasLibrary library) {
        Objects.requireNonNull(library, "library");
        if (!library.usable()) throw new IllegalArgumentException("cannot bind unusable library: " + library.failure);
        return BOUND.compareAndSet(null, library) || BOUND.get() == library;
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
