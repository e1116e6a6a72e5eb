package org.vectorgrad.spark;

import java.io.Serializable;
import org.vectorgrad.nn.Sequential;

/**
 * Builds the model every worker replicates. It travels to the executors inside Spark's tasks, so it must be
 * {@link Serializable} (a lambda assigned to this type is). Called once per replica; the replica's parameters are
 * then overwritten with the driver's, so the initialization it does matters only on the driver.
 *
 * <p>Thread safety: an executor may call {@link #create} from several task threads at once; each call must return
 * a new model that shares no mutable state with another.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    Sequential create();
}
