package org.vectorgrad.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;
import org.vectorgrad.io.ModelSpec;
import org.vectorgrad.nn.Layer;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.nn.Sum;

/**
 * Parameter groups, as PyTorch's optimizer {@code param_groups}: subsets of the parameters with their own weight
 * decay and learning-rate multiplier. The usual use is to keep biases and normalization parameters out of weight
 * decay ({@link #noDecayForBiasAndNorm}); any other split is made with {@link #builder}.
 *
 * <p>A group's learning rate is the optimizer's rate times the group's {@code lrScale}. Schedules set the
 * optimizer's rate, so every group follows the schedule from its own starting rate, as PyTorch's schedulers do for
 * each group (their {@code initial_lr}); a scale of 1 uses the optimizer's rate bit for bit.
 *
 * <p>Each parameter belongs to exactly one group: the first rule that matches it, else the default group. The
 * parameter order of {@link #parameters()} is the order the parameters were given in (so optimizer state names such
 * as {@code exp_avg.3} do not depend on the grouping). Immutable and thread-safe.
 */
public final class ParamGroups {
    /** Name of the group of parameters that no rule matched. */
    public static final String DEFAULT = "default";

    /** One group: its name, its parameters (in the given order), its learning-rate multiplier and its weight decay. */
    public record Group(String name, List<Parameter> parameters, float lrScale, float weightDecay) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d params, lr x %s, weight decay %s", name, parameters.size(), lrScale, weightDecay);
        }
    }

    private final List<Parameter> params;
    private final List<Group> groups;
    private final float[] lrScale, weightDecay;

    private ParamGroups(List<Parameter> params, List<Group> groups) {
        if (params.isEmpty()) throw new IllegalArgumentException("parameter groups: no parameters to optimize");
        this.params = List.copyOf(params);
        this.groups = List.copyOf(groups);
        Map<Parameter, Group> of = new IdentityHashMap<>();
        for (Group g : groups) for (Parameter p : g.parameters()) of.put(p, g);
        this.lrScale = new float[this.params.size()];
        this.weightDecay = new float[this.params.size()];
        for (int i = 0; i < this.params.size(); i++) {
            Group g = of.get(this.params.get(i));
            lrScale[i] = g.lrScale();
            weightDecay[i] = g.weightDecay();
        }
    }

    /** All parameters in one group with weight decay {@code weightDecay} and the optimizer's learning rate. */
    public static ParamGroups single(List<Parameter> params, float weightDecay) {
        return builder(1f, weightDecay).build(params);
    }

    /**
     * Two groups: {@code decay} (weight decay {@code weightDecay}) and {@code no_decay} (weight decay 0) for every
     * parameter of at most one dimension or whose name ends with {@code bias}: biases, and the scale and shift of
     * normalization layers (PyTorch's {@code p.ndim <= 1} recipe). Names are the model's {@code state_dict} names
     * when built from a model, else {@link Parameter#name()} ({@code weight}, {@code bias}).
     */
    public static ParamGroups noDecayForBiasAndNorm(List<Parameter> params, float weightDecay) {
        return noDecayRule(weightDecay, Map.of()).build(params);
    }

    /**
     * {@link #noDecayForBiasAndNorm(List, float)} over a model's parameters, named by their {@code state_dict} names;
     * every parameter of a normalization layer (a layer whose class name contains {@code Norm}, such as
     * {@code BatchNorm2d} or a {@code LayerNorm} over several trailing dimensions, whose scale is not 1-D) is
     * undecayed too.
     */
    public static ParamGroups noDecayForBiasAndNorm(Layer model, float weightDecay) {
        Map<Parameter, Boolean> norm = new IdentityHashMap<>();
        collectNormParameters(model, norm);
        return noDecayRule(weightDecay, norm).build(model);
    }

    private static void collectNormParameters(Layer layer, Map<Parameter, Boolean> out) {
        List<Layer> children = layer instanceof Sequential s ? s.layers() : layer instanceof Sum u ? u.branches() : null;
        if (children != null) {
            for (Layer c : children) collectNormParameters(c, out);
        } else if (layer.getClass().getSimpleName().contains("Norm")) {
            for (Parameter p : layer.parameters()) out.put(p, Boolean.TRUE);
        }
    }

    private static Builder noDecayRule(float weightDecay, Map<Parameter, Boolean> norm) {
        return builder(1f, weightDecay)
                .add("no_decay", (name, p) -> p.value().rank() <= 1 || name.endsWith("bias") || norm.containsKey(p), 1f, 0f)
                .defaultName("decay");
    }

    /** A builder whose default group (parameters no rule matches) has these settings. */
    public static Builder builder(float lrScale, float weightDecay) {
        return new Builder(lrScale, weightDecay);
    }

    /** The parameters, in the order given. */
    public List<Parameter> parameters() { return params; }

    /** The groups, rules first in the order added, the default group last; empty groups are left out. */
    public List<Group> groups() { return groups; }

    /** Learning-rate multiplier of parameter {@code i} (in {@link #parameters()} order). */
    public float lrScale(int i) { return lrScale[i]; }

    /** Weight decay of parameter {@code i} (in {@link #parameters()} order). */
    public float weightDecay(int i) { return weightDecay[i]; }

    /** Whether some parameter has a nonzero weight decay. */
    public boolean anyDecay() {
        for (float d : weightDecay) if (d != 0f) return true;
        return false;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Group g : groups) parts.add(g.toString());
        return "[" + String.join("; ", parts) + "]";
    }

    /** Collects rules, then assigns each parameter to the first matching rule's group. Not thread-safe. */
    public static final class Builder {
        private record Rule(String name, BiPredicate<String, Parameter> which, float lrScale, float weightDecay) {}

        private final List<Rule> rules = new ArrayList<>();
        private final float defaultScale, defaultDecay;
        private String defaultName = DEFAULT;

        private Builder(float lrScale, float weightDecay) {
            this.defaultScale = checkScale(DEFAULT, lrScale);
            this.defaultDecay = checkDecay(DEFAULT, weightDecay);
        }

        /**
         * A group {@code name} of the parameters {@code which} accepts (given the parameter's name, see
         * {@link #build(Layer)}, and the parameter itself, e.g. for its shape), not taken by an earlier rule.
         */
        public Builder add(String name, BiPredicate<String, Parameter> which, float lrScale, float weightDecay) {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("parameter group: empty name");
            for (Rule r : rules) if (r.name().equals(name)) throw new IllegalArgumentException("parameter group '" + name + "' added twice");
            rules.add(new Rule(name, which, checkScale(name, lrScale), checkDecay(name, weightDecay)));
            return this;
        }

        /** Renames the default group (the parameters no rule matched). */
        public Builder defaultName(String name) {
            this.defaultName = name;
            return this;
        }

        /** Groups a model's parameters, naming each by its PyTorch {@code state_dict} name (e.g. {@code 3.bias}). */
        public ParamGroups build(Layer model) {
            Map<Parameter, String> names = new IdentityHashMap<>();
            for (Map.Entry<String, Parameter> e : ModelSpec.stateDict(model).entrySet()) names.put(e.getValue(), e.getKey());
            List<Parameter> params = model.parameters();
            List<String> list = new ArrayList<>();
            for (Parameter p : params) list.add(names.getOrDefault(p, p.name()));
            return build(params, list);
        }

        /** Groups these parameters, naming each by {@link Parameter#name()}. */
        public ParamGroups build(List<Parameter> params) {
            List<String> names = new ArrayList<>();
            for (Parameter p : params) names.add(p.name());
            return build(params, names);
        }

        private ParamGroups build(List<Parameter> params, List<String> names) {
            Map<Parameter, Boolean> seen = new IdentityHashMap<>();
            for (Parameter p : params) {
                if (seen.put(p, Boolean.TRUE) != null) throw new IllegalArgumentException("parameter groups: " + p + " is listed twice");
            }
            Map<String, List<Parameter>> members = new LinkedHashMap<>();
            for (Rule r : rules) members.put(r.name(), new ArrayList<>());
            List<Parameter> rest = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                Rule hit = null;
                for (Rule r : rules) {
                    if (r.which().test(names.get(i), p)) {
                        hit = r;
                        break;
                    }
                }
                (hit == null ? rest : members.get(hit.name())).add(p);
            }
            List<Group> groups = new ArrayList<>();
            for (Rule r : rules) {
                List<Parameter> ps = members.get(r.name());
                if (!ps.isEmpty()) groups.add(new Group(r.name(), Collections.unmodifiableList(ps), r.lrScale(), r.weightDecay()));
            }
            if (!rest.isEmpty()) groups.add(new Group(defaultName, Collections.unmodifiableList(rest), defaultScale, defaultDecay));
            return new ParamGroups(params, groups);
        }

        private static float checkScale(String group, float s) {
            if (!(s > 0f) || Float.isInfinite(s)) throw new IllegalArgumentException("parameter group '" + group + "': learning-rate scale must be a positive number, got " + s);
            return s;
        }

        private static float checkDecay(String group, float d) {
            if (!(d >= 0f) || Float.isInfinite(d)) throw new IllegalArgumentException("parameter group '" + group + "': weight decay must be a finite number >= 0, got " + d);
            return d;
        }
    }
}
