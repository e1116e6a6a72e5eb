package org.vectorgrad.data;

/** Where a dataset keeps its sample values; copies one sample, as floats, into a batch buffer. */
interface SampleStore {
    /** Copies the {@code sampleSize} values of sample {@code index} into {@code dst} from {@code dstOffset}. */
    void copySample(int index, int sampleSize, float[] dst, int dstOffset);

    /** Number of values held (samples × sample size). */
    long length();
}
