package org.vectorgrad.backend.blas;

import org.vectorgrad.backend.Availability;
import org.vectorgrad.nativebindings.openblas.OpenBlasLibrary;
import org.vectorgrad.nativebindings.openblas.cblas_h;

/**
 * Turns a library name into an {@link Availability}: sets the core type (before the first load), opens the library
 * through {@link OpenBlasLibrary} (once per name, so an absent name can be tested in the same JVM as the real one),
 * checks every symbol and binds it as the process's OpenBLAS. Never throws.
 *
 * <p>Thread safety: static methods, safe to call from any thread ({@link CoreTypeSetup} and {@code OpenBlasLibrary}
 * synchronize what they set up once).
 */
public final class OpenBlasLoader {
    /** System property naming the library: a file name ({@code libopenblas.so.0}) or an absolute path. */
    public static final String PROPERTY = "vectorgrad.blas.library";
    /** What to tell a user who lacks the library. */
    public static final String INSTALL_HINT = "install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0)"
            + " or point -D" + PROPERTY + " at a libopenblas.so";

    private OpenBlasLoader() {}

    /** The library name configured now: {@value #PROPERTY} or {@link OpenBlasLibrary#DEFAULT_NAME}. */
    public static String configuredName() {
        String p = System.getProperty(PROPERTY);
        return p == null || p.isBlank() ? OpenBlasLibrary.DEFAULT_NAME : p.trim();
    }

    /** Whether the library {@code name} can be used for BLAS calls in this process, and why not. */
    public static Availability availability(String name) {
        try {
            CoreTypeSetup.apply();
            OpenBlasLibrary lib = OpenBlasLibrary.open(name);
            if (!lib.usable()) return Availability.no(lib.failure() + "; " + INSTALL_HINT);
            if (!OpenBlasLibrary.bind(lib)) {
                return Availability.no("another OpenBLAS (" + OpenBlasLibrary.boundOrNull().name()
                        + ") is already in use by this process; restart the JVM to use " + name);
            }
            Info info = info();
            return Availability.yes(info.config() + ", core " + info.coreName() + " (" + name + ")");
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("OpenBLAS could not be initialised: " + e + "; " + INSTALL_HINT);
        }
    }

    /** What the bound OpenBLAS says about itself. */
    public record Info(String library, String config, String coreName, int threads) {}

    /** Reads {@link Info} from the bound library; call only after {@link #availability} said yes. */
    public static Info info() {
        return new Info(OpenBlasLibrary.bound().name(),
                cblas_h.openblas_get_config().getString(0),
                cblas_h.openblas_get_corename().getString(0),
                cblas_h.openblas_get_num_threads());
    }
}
