package org.vectorgrad.tribuo;

import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;

/**
 * Writes Tribuo examples into dense row-major float rows through the feature ID map: the value of the feature with
 * ID {@code j} goes to column {@code j}, features absent from an example stay 0 (Tribuo's sparse convention) and
 * features unknown to the map are ignored (as every Tribuo model does at prediction time).
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
     * vectorgrad's own IDX loader produces). Returns how many of the example's features the map knows.
     */
    static int writeRow(Example<?> example, ImmutableFeatureMap featureMap, float scale, float[] dst, int offset) {
        int used = 0;
        for (Feature f : example) {
            int id = featureMap.getID(f.getName());
            if (id < 0) continue;
            float v = (float) f.getValue();
            dst[offset + id] = scale == 1f ? v : v * scale;
            used++;
        }
        return used;
    }
}
