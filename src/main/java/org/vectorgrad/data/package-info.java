/**
 * Data: the IDX reader ({@link org.vectorgrad.data.IdxReader}), in-memory labelled datasets
 * ({@link org.vectorgrad.data.Dataset}), seeded batching with reused buffers ({@link org.vectorgrad.data.BatchLoader},
 * {@link org.vectorgrad.data.Batch}) and Fashion-MNIST loading ({@link org.vectorgrad.data.FashionMnist}).
 * No model code lives here.
 */
package org.vectorgrad.data;
