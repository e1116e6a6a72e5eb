/**
 * Data: the IDX reader ({@link org.vectorgrad.data.IdxReader}), the CSV reader and numeric tables
 * ({@link org.vectorgrad.data.CsvReader}, {@link org.vectorgrad.data.CsvTable}), in-memory datasets of class labels
 * or float targets ({@link org.vectorgrad.data.Dataset}, {@link org.vectorgrad.data.Task}), seeded batching with reused buffers ({@link org.vectorgrad.data.BatchLoader},
 * {@link org.vectorgrad.data.Batch}) and Fashion-MNIST loading ({@link org.vectorgrad.data.FashionMnist}).
 * No model code lives here.
 */
package org.vectorgrad.data;
