package org.vectorgrad.backend.scalar;

import org.vectorgrad.backend.Updates;

/**
 * The optimizer-update oracle: SGD (momentum, Nesterov, weight decay), Adam, AdamW and RMSProp (these two with
 * PyTorch 1.13's float operations in its order), one element at a time in float; gradient clipping's sum of
 * squares (in double, in index order) and scale.
 *
 * <p>Thread safety: stateless; one instance may serve any number of backends and threads at once.
 */
public final class ScalarUpdates extends Updates {
    /** Stateless; one instance may serve any number of backends and threads. */
    public ScalarUpdates() {}

    @Override
    protected void runSgd(int n, float lr, float momentum, float weightDecay, boolean nesterov,
                          float[] w, int wOff, float[] g, int gOff, float[] v, int vOff) {
        for (int i = 0; i < n; i++) {
            float grad = g[gOff + i];
            if (weightDecay != 0f) grad = grad + weightDecay * w[wOff + i];  // none when 0, as PyTorch (0·Inf is NaN)
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
    protected void runAdam(int n, float weightDecay, float beta1, float ob1, float beta2, float ob2, float eps, float stepSize,
                           float sqrtC2, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOff + i];
            float grad = g[gOff + i];
            if (weightDecay != 0f) grad = grad + weightDecay * wi;  // grad.add(param, alpha=wd), none when 0
            float mi = m[mOff + i] * beta1 + grad * ob1;             // exp_avg.mul_(b1).add_(g, alpha=1-b1)
            float vi = v[vOff + i] * beta2 + grad * ob2 * grad;      // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2)
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi) / sqrtC2 + eps;     // (exp_avg_sq.sqrt() / sqrt(c2)).add_(eps)
            w[wOff + i] = wi - stepSize * mi / denom;                // param.addcdiv_(exp_avg, denom, value=-stepSize)
        }
    }

    @Override
    protected void runAdamW(int n, float decay, float beta1, float ob1, float beta2, float ob2, float eps,
                            float stepSize, float sqrtC2, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOff + i] * decay;                        // param.mul_(1 - lr·wd)
            float grad = g[gOff + i];
            float mi = m[mOff + i] * beta1 + grad * ob1; // exp_avg.mul_(b1).add_(g, alpha=1-b1)
            float vi = v[vOff + i] * beta2 + grad * ob2 * grad; // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2)
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi) / sqrtC2 + eps;     // (exp_avg_sq.sqrt() / sqrt(c2)).add_(eps)
            w[wOff + i] = wi - stepSize * mi / denom;              // param.addcdiv_(exp_avg, denom, value=-lr/c1)
        }
    }

    @Override
    protected void runRmsProp(int n, float lr, float alpha, float oa, float eps, float weightDecay, float momentum,
                              boolean centered, float[] w, int wOff, float[] g, int gOff, float[] sq, int sqOff,
                              float[] ga, int gaOff, float[] buf, int bufOff) {
        for (int i = 0; i < n; i++) {
            float grad = g[gOff + i];
            if (weightDecay != 0f) grad = grad + w[wOff + i] * weightDecay;       // grad.add(param, alpha=wd)
            float s = sq[sqOff + i] * alpha + grad * oa * grad;          // square_avg.mul_(a).addcmul_(g, g, value=1-a)
            sq[sqOff + i] = s;
            float avg;
            if (centered) {
                float a = ga[gaOff + i] * alpha + grad * oa;             // grad_avg.mul_(a).add_(g, alpha=1-a)
                ga[gaOff + i] = a;
                avg = (float) Math.sqrt(s - a * a) + eps;                          // square_avg.addcmul(ga, ga, value=-1).sqrt_().add_(eps)
            } else {
                avg = (float) Math.sqrt(s) + eps;                                  // eps after the square root
            }
            if (momentum > 0f) {
                float b = buf[bufOff + i] * momentum + grad / avg;                 // buf.mul_(momentum).addcdiv_(g, avg)
                buf[bufOff + i] = b;
                w[wOff + i] = w[wOff + i] - lr * b;                                // param.add_(buf, alpha=-lr)
            } else {
                w[wOff + i] = w[wOff + i] - lr * grad / avg;                       // param.addcdiv_(g, avg, value=-lr)
            }
        }
    }

    @Override
    protected double runSumOfSquares(int n, float[] x, int xOff) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xOff + i] * x[xOff + i];
        return s;
    }

    @Override
    protected void runScale(int n, float alpha, float[] x, int xOff) {
        for (int i = 0; i < n; i++) x[xOff + i] *= alpha;
    }
}
