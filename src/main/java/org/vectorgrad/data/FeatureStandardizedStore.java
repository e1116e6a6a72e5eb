package org.vectorgrad.data;

/**
 * Wraps a store and maps value {@code j} of every sample to {@code (v - mean[j]) / std[j]} as it is copied into a
 * batch: per-feature standardization (tabular data, where each column has its own scale), beside
 * {@link StandardizedStore}'s one mean and std for every value (pixels).
 */
final class FeatureStandardizedStore implements SampleStore {
    private final SampleStore inner;
    private final float[] mean;
    private final float[] invStd;

    FeatureStandardizedStore(SampleStore inner, float[] mean, float[] invStd) {
        this.inner = inner;
        this.mean = mean;
        this.invStd = invStd;
    }

    @Override
    public void copySample(int index, int sampleSize, float[] dst, int dstOffset) {
        inner.copySample(index, sampleSize, dst, dstOffset);
        for (int j = 0; j < sampleSize; j++) dst[dstOffset + j] = (dst[dstOffset + j] - mean[j]) * invStd[j];
    }

    @Override
    public long length() { return inner.length(); }
}
