package org.vectorgrad.cli;

import java.util.List;
import java.util.Set;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.optim.Adam;
import org.vectorgrad.optim.AdamW;
import org.vectorgrad.optim.LearningRateSchedule;
import org.vectorgrad.optim.Optimizer;
import org.vectorgrad.optim.ParamGroups;
import org.vectorgrad.optim.RMSProp;
import org.vectorgrad.optim.SGD;

/**
 * The optimizer and schedule options of {@code train} and {@code bench train}: {@code --optimizer},
 * {@code --weight-decay}, {@code --decay-params}, {@code --clip-norm}, {@code --rmsprop-centered},
 * {@code --lr-gamma}, {@code --lr-step-epochs} (the learning rate, momentum, schedule name and warm-up stay in
 * {@link TrainingOptions}, whose defaults depend on the optimizer chosen here).
 */
record OptimizerOptions(String optimizer, float weightDecay, String decayParams, float clipNorm, boolean centered,
                        double lrGamma, int lrStepEpochs) {
    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "rmsprop");
    static final List<String> SCHEDULES = List.of("cosine", "constant", "step", "exponential", "onecycle");
    static final Set<String> VALUED = Set.of("optimizer", "weight-decay", "decay-params", "clip-norm", "lr-gamma", "lr-step-epochs");
    static final Set<String> FLAGS = Set.of("rmsprop-centered");

    static OptimizerOptions parse(Args a, String schedule) {
        String opt = a.choice("optimizer", "sgd", OPTIMIZERS);
        boolean centered = a.flag("rmsprop-centered");
        if (centered && !opt.equals("rmsprop")) throw new UsageException("--rmsprop-centered needs --optimizer rmsprop, got " + opt);
        String gamma = a.string("lr-gamma", null), every = a.string("lr-step-epochs", null);
        if (gamma != null && !schedule.equals("step") && !schedule.equals("exponential")) {
            throw new UsageException("--lr-gamma applies to --schedule step or exponential, got --schedule " + schedule);
        }
        if (every != null && !schedule.equals("step")) throw new UsageException("--lr-step-epochs applies to --schedule step, got --schedule " + schedule);
        return new OptimizerOptions(opt,
                a.decimal("weight-decay", opt.equals("adamw") ? AdamW.DEFAULT_WEIGHT_DECAY : 0f, 0f, 10f),
                a.choice("decay-params", "weights", List.of("weights", "all")),
                a.decimal("clip-norm", 0f, 0f, 1e9f),
                centered,
                Double.parseDouble(Float.toString(a.decimal("lr-gamma", schedule.equals("exponential") ? 0.9f : 0.1f, 1e-6f, 1f))), // 0.9, not 0.8999999762
                a.integer("lr-step-epochs", 2, 1, 1_000_000));
    }

    /** Default learning rate: 0.05 for SGD (the reference models' tuned rate), 1e-3 for the adaptive ones. */
    static float defaultLr(String optimizer) {
        return optimizer.equals("sgd") ? 0.05f : 1e-3f;
    }

    /** Default momentum: 0.9 for SGD, 0 for RMSProp (PyTorch's); Adam and AdamW take none (they have betas). */
    static float defaultMomentum(String optimizer) {
        return optimizer.equals("sgd") ? 0.9f : 0f;
    }

    /** Whether {@code --momentum} means something for this optimizer. */
    static boolean takesMomentum(String optimizer) {
        return optimizer.equals("sgd") || optimizer.equals("rmsprop");
    }

    /**
     * The optimizer for {@code model}: weight decay on every parameter of two or more dimensions (biases and
     * normalization parameters excluded, {@link ParamGroups#noDecayForBiasAndNorm}) or, with
     * {@code --decay-params all}, on all; clipping when {@code --clip-norm} is set. PyTorch's defaults otherwise
     * (Adam/AdamW betas 0.9, 0.999, eps 1e-8; RMSProp alpha 0.99, eps 1e-8).
     */
    Optimizer create(Layer model, float lr, float momentum) {
        ParamGroups groups = decayParams.equals("all") ? ParamGroups.single(model.parameters(), weightDecay)
                : ParamGroups.noDecayForBiasAndNorm(model, weightDecay);
        Optimizer o = switch (optimizer) {
            case "sgd" -> new SGD(groups, lr, momentum, false);
            case "adam" -> new Adam(groups, lr, 0.9f, 0.999f, 1e-8f);
            case "adamw" -> new AdamW(groups, lr, 0.9f, 0.999f, 1e-8f);
            case "rmsprop" -> new RMSProp(groups, lr, 0.99f, 1e-8f, momentum, centered);
            default -> throw new IllegalStateException(optimizer);
        };
        if (clipNorm > 0f) o.clipGradNorm(clipNorm);
        return o;
    }

    /**
     * The schedule {@code name} over a run of {@code stepsPerEpoch} steps per epoch, with {@code warmup} warm-up steps:
     * {@code step} multiplies the rate by {@code --lr-gamma} every {@code --lr-step-epochs} epochs and
     * {@code exponential} by {@code --lr-gamma} after every epoch (PyTorch's StepLR and ExponentialLR stepped once
     * per epoch); {@code onecycle} is PyTorch's OneCycleLR over all the run's steps with the learning rate as max_lr.
     */
    LearningRateSchedule schedule(String name, int warmup, int stepsPerEpoch) {
        LearningRateSchedule s = switch (name) {
            case "step" -> LearningRateSchedule.step((long) lrStepEpochs * stepsPerEpoch, lrGamma);
            case "exponential" -> LearningRateSchedule.step(stepsPerEpoch, lrGamma);
            default -> LearningRateSchedule.named(name);
        };
        return s.withWarmup(warmup);
    }
}
