package org.vectorgrad.data;

/** Samples kept as floats, copied into a batch unchanged. */
final class FloatStore implements SampleStore {
    private final float[] values;

    FloatStore(float[] values) {
        this.values = values;
    }

    @Override
    public void copySample(int index, int sampleSize, float[] dst, int dstOffset) {
        System.arraycopy(values, index * sampleSize, dst, dstOffset, sampleSize);
    }

    @Override
    public long length() {
        return values.length;
    }
}
