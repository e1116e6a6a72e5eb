package org.vectorgrad.data;

/** Wraps a store and maps every value v to {@code (v - mean) / std} as it is copied into a batch. */
final class StandardizedStore implements SampleStore {
    private final SampleStore inner;
    private final float mean;
    private final float invStd;

    StandardizedStore(SampleStore inner, float mean, float std) {
        this.inner = inner;
        this.mean = mean;
        this.invStd = 1f / std;
    }

    @Override
    public void copySample(int index, int sampleSize, float[] dst, int dstOffset) {
        inner.copySample(index, sampleSize, dst, dstOffset);
        for (int i = dstOffset; i < dstOffset + sampleSize; i++) dst[i] = (dst[i] - mean) * invStd;
    }

    @Override
    public long length() { return inner.length(); }
}
