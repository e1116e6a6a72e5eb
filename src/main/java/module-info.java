/**
 * vectorgrad: neural networks trained and served on the CPU, in Java.
 *
 * <p>Exported: the API a user programs against (tensors, layers, losses, optimizers, data, model files, gradient
 * checks, training, serving) and the backend SPI ({@code org.vectorgrad.backend}: the kernel families and the
 * one class that selects a backend). Not exported: the kernels behind the SPI ({@code backend.scalar},
 * {@code backend.vector.*}, {@code backend.blas}, {@code backend.auto}), the dispatcher ({@code parallel}), the
 * OpenBLAS bindings ({@code nativebindings.openblas}) and the command line ({@code cli}, run with
 * {@code -m org.vectorgrad/org.vectorgrad.cli.Main}). On the class path, as the launcher and the integrations use
 * the jar, this descriptor is ignored and every package stays reachable; the JMH benchmarks measure the kernels
 * from there.
 */
module org.vectorgrad {
    requires jdk.incubator.vector;
    requires java.management; // the vector backend reads the JVM's input arguments (UseAVX) to pick its species
    requires jdk.unsupported; // sun.misc.Signal: the CLI checkpoints on SIGINT/SIGTERM before it exits

    exports org.vectorgrad.tensor;
    exports org.vectorgrad.nn;
    exports org.vectorgrad.loss;
    exports org.vectorgrad.optim;
    exports org.vectorgrad.data;
    exports org.vectorgrad.io;
    exports org.vectorgrad.check;
    exports org.vectorgrad.train;
    exports org.vectorgrad.serve;
    exports org.vectorgrad.backend;
}
