package org.vectorgrad.tribuo;

import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;

/**
 * Writes Tribuo examples into dense row-major float rows through the feature ID map: the value of the feature with
 * ID {@code j} goes to column {@code j}, features absent from an example stay 0 (Tribuo's sparse convention) and
 * features unknown to the map are ignored (as every Tribuo model does at prediction time), a feature named twice is
 * summed and a NaN value is refused (as Tribuo's {@code SparseVector} does).
 *
 * <p>Our side allocates nothing per example: the destination array is allocated once by the caller and every value
 * is written in place. Tribuo's own {@link Example#iterator()} creates an iterator and one {@link Feature} per
 * element it returns ({@code ArrayExample} keeps names and values in arrays it does not expose); C2's escape analysis
 * usually removes those short-lived objects, and there is no public way around them. Stateless and thread-safe.
 */
final class FeatureConverter {
    private FeatureConverter() {}

    /**
     * Writes one example into {@code dst[offset, offset + featureMap.size())}, which the caller has zeroed; each
     * value is {@code (float) value * scale} (so {@code scale} 1/255 turns pixel values 0..255 into exactly the floats
     * vectorgrad's own IDX loader produces). Returns how many distinct features of the example the map knows.
     *
     * <p>Follows Tribuo's {@code SparseVector.createSparseVector}, which its models predict with: a feature named
     * twice in one example is summed (not overwritten), counts once, and a NaN value of a known feature is refused
     * with {@link IllegalArgumentException} ("Example contained a NaN feature", Tribuo's message) instead of turning
     * every score into NaN.
     */
    static int writeRow(Example<?> example, ImmutableFeatureMap featureMap, float scale, float[] dst, int offset) {
        int used = 0, maxId = -1;
        boolean repeats = false; // an ID not above every earlier one: a duplicate, or an example not in ID order
        for (Feature f : example) {
            int id = featureMap.getID(f.getName());
            if (id < 0) continue;
            double value = f.getValue();
            if (Double.isNaN(value)) throw new IllegalArgumentException("Example contained a NaN feature, " + f);
            float v = (float) value;
            float scaled = scale == 1f ? v : v * scale;
            if (id > maxId) { // first sight of this ID: write (keeps -0f and the bits of the single-value case)
                dst[offset + id] = scaled;
                maxId = id;
            } else {          // possibly seen before: add (the slot is 0 when it was not)
                dst[offset + id] += scaled;
                repeats = true;
            }
            used++;
        }
        return repeats ? distinctKnown(example, featureMap) : used;
    }

    /** The number of distinct known feature IDs of {@code example}: only for the rare example with repeats or out of order. */
    private static int distinctKnown(Example<?> example, ImmutableFeatureMap featureMap) {
        java.util.BitSet seen = new java.util.BitSet(featureMap.size());
        for (Feature f : example) {
            int id = featureMap.getID(f.getName());
            if (id >= 0) seen.set(id);
        }
        return seen.cardinality();
    }
}
