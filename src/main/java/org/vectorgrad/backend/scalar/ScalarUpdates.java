package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.Updates;

/**
 * The optimizer-update oracle: SGD (momentum, Nesterov, weight decay) and Adam, one element at a time in float.
 */
public final class ScalarUpdates extends Updates {
    /** Stateless; one instance may serve any number of backends and threads. */
    public ScalarUpdates() {}

    @Override
    protected void runSgd(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        for (int i = 0; i < n; i++) {
            float grad = g[gOff + i] + weightDecay * w[wOff + i];
            float d = grad;
            if (momentum != 0f) {
                float vel = momentum * v[vOff + i] + grad;
                v[vOff + i] = vel;
                d = nesterov ? grad + momentum * vel : vel;
            }
            w[wOff + i] -= lr * d;
        }
    }

    @Override
    protected void runAdam(int n, float lr, float beta1, float beta2, float eps, float weightDecay, float c1, float c2,
                           float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        for (int i = 0; i < n; i++) {
            float grad = g[gOff + i] + weightDecay * w[wOff + i];
            float mi = beta1 * m[mOff + i] + (1f - beta1) * grad;
            float vi = beta2 * v[vOff + i] + (1f - beta2) * grad * grad;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            w[wOff + i] -= lr * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps);
        }
    }
}
