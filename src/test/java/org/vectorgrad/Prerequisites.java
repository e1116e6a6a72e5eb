package org.vectorgrad;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs from the machine (OpenBLAS, the Fashion-MNIST files). On a developer's machine a missing
 * prerequisite skips the test with its reason; under {@code -Dvectorgrad.test.strict=true}, which {@code ./vectorgrad
 * test} (and so CI) sets after installing both, it fails instead, so that a skipped test is never passed off as green.
 */
public final class Prerequisites {
    private Prerequisites() {}

    /** True when missing prerequisites fail tests instead of skipping them. */
    public static boolean strict() {
        return Boolean.getBoolean("vectorgrad.test.strict");
    }

    /** Skips (or, when {@link #strict()}, fails) the calling test unless {@code present}. */
    public static void require(boolean present, String what) {
        if (present) return;
        if (strict()) fail("prerequisite missing (vectorgrad.test.strict=true): " + what);
        System.err.println("SKIPPED: " + what);
        assumeTrue(false, what);
    }
}
