package org.vectorgrad.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.vectorgrad.tensor.Tensor;

/**
 * Cuts a {@link Dataset} into batches, epoch after epoch, reusing its buffers: one {@link Batch} of the full batch
 * size and, when the dataset size is not a multiple of it, one of the last partial size, each allocated on first
 * use. Steady-state iteration allocates nothing per batch.
 *
 * <p>Order: {@link #epoch(long, int, boolean)} with {@code shuffle} visits a permutation that depends only on
 * (seed, epoch); without it, index order. Every sample appears exactly once per epoch, except the tail that
 * {@code dropLast} skips. One epoch at a time: starting another epoch reorders the samples under a live iterator.
 * Not thread-safe.
 */
public final class BatchLoader {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean dropLast;
    private final int[] order;
    private Batch full;
    private Batch partial;

    BatchLoader(Dataset dataset, int batchSize, boolean dropLast) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize + " for " + dataset);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.order = new int[dataset.size()];
    }

    /** The full batch size. */
    public int batchSize() { return batchSize; }

    /** Batches per epoch: {@code ceil(size / batchSize)}, or {@code floor} with {@code dropLast}. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Samples visited per epoch (all of them, or the multiple of the batch size with {@code dropLast}). */
    public int samplesPerEpoch() {
        return dropLast ? dataset.size() / batchSize * batchSize : dataset.size();
    }

    /**
     * Orders the samples for one epoch and returns its batches. Each {@link Batch} returned is a reused buffer,
     * overwritten by the next call to {@code next()}.
     *
     * @param seed    the run's seed
     * @param epoch   the epoch number (any int); together with {@code seed} it fixes the order
     * @param shuffle false for index order (evaluation), true for the seeded permutation (training)
     */
    public Iterable<Batch> epoch(long seed, int epoch, boolean shuffle) {
        EpochOrder.fill(order, seed, epoch, shuffle);
        return Cursor::new;
    }

    /** Walks the order array of the current epoch. */
    private final class Cursor implements Iterator<Batch> {
        private final int end = samplesPerEpoch();
        private int next;

        @Override
        public boolean hasNext() {
            return next < end;
        }

        @Override
        public Batch next() {
            if (next >= end) throw new NoSuchElementException("epoch finished after " + numBatches() + " batches");
            int n = Math.min(batchSize, end - next);
            Batch batch = bufferFor(n);
            float[] dst = batch.images().data();
            int dstOffset = batch.images().offset();
            int sampleSize = dataset.sampleSize();
            if (batch.hasFloatTargets()) {
                Tensor t = batch.targets();
                float[] tDst = t.data();
                int width = t.dim(1), tOff = t.offset();
                for (int k = 0; k < n; k++) {
                    int index = order[next + k];
                    dataset.copySampleUnchecked(index, dst, dstOffset + k * sampleSize);
                    dataset.copyTargetsUnchecked(index, tDst, tOff + k * width);
                }
            } else {
                int[] labels = batch.labels();
                for (int k = 0; k < n; k++) {
                    int index = order[next + k];
                    dataset.copySampleUnchecked(index, dst, dstOffset + k * sampleSize);
                    labels[k] = dataset.labelUnchecked(index);
                }
            }
            next += n;
            return batch;
        }
    }

    private Batch bufferFor(int n) {
        if (n == batchSize) {
            if (full == null) full = newBatch(n);
            return full;
        }
        // The only smaller batch an epoch yields is the tail, whose size never changes for this loader.
        if (partial == null) partial = newBatch(n);
        return partial;
    }

    private Batch newBatch(int n) {
        return new Batch(n, dataset.sampleShape(), dataset.hasFloatTargets() ? dataset.targetWidth() : 0);
    }
}
