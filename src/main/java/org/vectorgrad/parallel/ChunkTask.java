package org.vectorgrad.parallel;

/** One unit of parallel work: processes chunk {@code chunk} of a range split by the caller. */
@FunctionalInterface
public interface ChunkTask {
    void run(int chunk);
}
