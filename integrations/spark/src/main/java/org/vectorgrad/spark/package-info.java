/**
 * Synchronous data-parallel training of vectorgrad models on Apache Spark: {@link org.vectorgrad.spark.SparkTrainer}
 * (gradients summed every step in partition order, or parameters averaged every k steps), data from a Spark
 * {@code Dataset<Row>} ({@link org.vectorgrad.spark.SparkData}) and the {@code vectorgrad spark-train} command
 * ({@link org.vectorgrad.spark.SparkTrainCommand}). Design and measurements: docs/spark.md.
 */
package org.vectorgrad.spark;
