package org.vectorgrad.parallel;

/**
 * One unit of parallel work: processes chunk {@code chunk} of a range split by the caller.
 *
 * <p>Thread safety: the {@link Dispatcher} calls {@link #run} from several threads at once, each with a different
 * chunk; an implementation may write only what its chunk owns, and reads nothing another chunk writes during the call.
 */
@FunctionalInterface
public interface ChunkTask {
    void run(int chunk);
}
