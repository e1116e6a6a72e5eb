package org.vectorgrad.backend.vector.conv;

/** {@link ConvCall} and {@link ConvPieces} in turn in one JVM, four rounds: do the pieces add up to the calls? args: backend */
public class ConvBoth {
    public static void main(String[] a) throws Exception {
        for (int r = 0; r < 4; r++) {
            ConvCall.main(new String[] {a[0], "15", "8"});
            ConvPieces.main(new String[] {a[0], "15"});
        }
    }
}
