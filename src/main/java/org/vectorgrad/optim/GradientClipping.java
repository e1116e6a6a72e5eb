package org.vectorgrad.optim;

import java.util.List;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * Gradient clipping by global norm, as PyTorch 1.13's {@code torch.nn.utils.clip_grad_norm_} with the L2 norm.
 *
 * <p>The total norm is {@code sqrt(Σ_p Σ_i g_pi²)} over all the parameters' gradients: each parameter's sum of
 * squares is {@link org.vectorgrad.backend.Updates#sumOfSquares} (double squares accumulated in double in a fixed
 * order, so the same gradients give the same bits on every call), added in double in parameter order. When {@code maxNorm / (total + 1e-6)} is
 * below 1 every gradient is multiplied by that coefficient (rounded to float), else nothing changes.
 *
 * <p><b>NaN and Inf are not hidden</b>: a NaN total norm makes the coefficient NaN and every gradient NaN, an
 * infinite one makes it 0 (infinite elements become NaN), exactly what PyTorch's unconditional multiply by the
 * clamped coefficient does; the returned norm says which. (PyTorch's {@code error_if_nonfinite} is not offered:
 * the trainer already stops on a non-finite gradient before the optimizer steps.)
 *
 * <p>Stateless; not safe to call concurrently on the same parameters.
 */
public final class GradientClipping {
    /** Added to the total norm before dividing, as PyTorch does. */
    public static final double EPS = 1e-6;

    private GradientClipping() {}

    /** The global L2 norm of the parameters' gradients, in double (see the class comment). */
    public static double totalNorm(List<Parameter> params, Backend backend) {
        double squares = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            squares += backend.updates().sumOfSquares(g.size(), g.data(), g.offset());
        }
        return Math.sqrt(squares);
    }

    /**
     * Scales the gradients so their global norm is at most {@code maxNorm}; returns the total norm before clipping
     * (NaN or infinite when a gradient holds NaN or Inf).
     *
     * @throws IllegalArgumentException when {@code maxNorm} is not a positive finite number
     */
    public static double clipGradNorm(List<Parameter> params, float maxNorm, Backend backend) {
        checkMaxNorm(maxNorm);
        double total = totalNorm(params, backend);
        float coef = (float) (maxNorm / (total + EPS));
        if (!(coef >= 1f)) { // below 1, or NaN: applied (multiplying by a clamped 1 would change no bit)
            for (Parameter p : params) {
                Tensor g = p.grad();
                backend.updates().scale(g.size(), coef, g.data(), g.offset());
            }
        }
        return total;
    }

    static float checkMaxNorm(float maxNorm) {
        if (!(maxNorm > 0f) || Float.isInfinite(maxNorm)) throw new IllegalArgumentException("gradient clipping: max norm must be a positive finite number, got " + maxNorm);
        return maxNorm;
    }
}
