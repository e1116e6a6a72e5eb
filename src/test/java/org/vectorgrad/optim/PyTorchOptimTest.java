package org.vectorgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.vectorgrad.backend.Backend;
import org.vectorgrad.backend.scalar.ScalarBackend;
import org.vectorgrad.backend.vector.VectorBackend;
import org.vectorgrad.io.Json;
import org.vectorgrad.nn.Parameter;
import org.vectorgrad.tensor.Tensor;

/**
 * SGD, Adam, AdamW, RMSProp (also on parameters holding ±Inf), gradient clipping and the learning-rate schedules
 * against PyTorch 1.13, on the cases
 * {@code tools/pytorch/optim_cases.py} wrote to {@code src/test/resources/pytorch/optim/}: every step's parameters
 * and optimizer state, on the scalar and the vector backend. A value agrees when
 * {@code |got - want| <= 1e-5 · max(|want|, 1e-3)} (1e-5 relative, with a floor of 1e-8 absolute for values near
 * 0), or when both are NaN, or both the same infinity. The largest difference seen is 2.7e-6 (Adam); an order of
 * float operations other than PyTorch's shows more (Adam with its bias corrections from the float betas: 1.3e-5).
 */
class PyTorchOptimTest {
    private static final Path DIR = Path.of("src/test/resources/pytorch/optim");
    private static final Backend VECTOR = VectorBackend.create(2);
    private static final Backend[] BACKENDS = {ScalarBackend.create(), VECTOR};

    @AfterAll
    static void close() { VECTOR.close(); }

    @SuppressWarnings("unchecked")
    private static <T> T read(String file) throws IOException {
        return (T) Json.parse(Files.readString(DIR.resolve(file)));
    }

    private static float num(Object o) {
        if (o instanceof Number n) return n.floatValue();
        return switch ((String) o) {
            case "NaN" -> Float.NaN;
            case "Infinity" -> Float.POSITIVE_INFINITY;
            case "-Infinity" -> Float.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("not a number: " + o);
        };
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = num(l.get(i));
        return out;
    }

    private static int[] shape(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> (int) (long) (Long) o).toArray();
    }

    static void agree(float want, float got, String what) {
        boolean ok = Float.isNaN(want) ? Float.isNaN(got)
                : Float.isInfinite(want) ? want == got
                : Math.abs(got - want) <= 1e-5 * Math.max(Math.abs(want), 1e-3);
        if (!ok) fail(what + ": PyTorch " + want + ", vectorgrad " + got);
    }

    static void agree(float[] want, Tensor got, String what) {
        assertEquals(want.length, got.size(), what + " size");
        for (int i = 0; i < want.length; i++) agree(want[i], got.getFlat(i), what + "[" + i + "]");
    }

    /** The parameters of a case, from its {@code initial} list. */
    private static List<Parameter> params(Map<String, Object> c) {
        List<Parameter> ps = new ArrayList<>();
        String[] names = {"weight", "bias"};
        List<?> init = (List<?>) c.get("initial");
        for (int i = 0; i < init.size(); i++) {
            Map<?, ?> t = (Map<?, ?>) init.get(i);
            ps.add(new Parameter(names[i], Tensor.of(floats(t.get("data")), shape(t.get("shape")))));
        }
        return ps;
    }

    /** Replays every step of a case: sets the gradients, steps, compares parameters, state and clipping norm. */
    private static void replay(String name, Map<String, Object> c, Function<List<Parameter>, Optimizer> make, Backend be) {
        List<Parameter> ps = params(c);
        Optimizer opt = make.apply(ps);
        opt.bind(be);
        int k = 0;
        for (Object s : (List<?>) c.get("steps")) {
            Map<?, ?> step = (Map<?, ?>) s;
            k++;
            List<?> grads = (List<?>) step.get("grads"), want = (List<?>) step.get("params");
            for (int i = 0; i < ps.size(); i++) {
                float[] g = floats(grads.get(i));
                for (int j = 0; j < g.length; j++) ps.get(i).grad().setFlat(j, g[j]);
            }
            opt.step();
            String at = name + " on " + be.name() + ", step " + k;
            for (int i = 0; i < ps.size(); i++) agree(floats(want.get(i)), ps.get(i).value(), at + ", parameter " + i);
            Map<?, ?> state = (Map<?, ?>) step.get("state");
            Map<String, Tensor> ours = opt.stateTensors();
            assertEquals(new java.util.TreeSet<>(state.keySet()), new java.util.TreeSet<>(ours.keySet()), at + ": state names");
            for (Map.Entry<?, ?> e : state.entrySet()) agree(floats(e.getValue()), ours.get((String) e.getKey()), at + ", " + e.getKey());
            if (step.containsKey("total_norm")) agree(num(step.get("total_norm")), (float) opt.lastGradNorm(), at + ", total norm");
            if (!(opt instanceof SGD)) assertEquals(k, opt.stepCount(), at + ": step count"); // SGD keeps no step count
        }
        assertEquals(4, k, name + ": steps replayed");
    }

    @Test
    void adamWWithParameterGroupsMatchesPyTorch() throws IOException {
        Map<String, Object> c = read("adamw.json");
        for (Backend be : BACKENDS) {
            replay("adamw", c, ps -> new AdamW(ParamGroups.builder(1f, 0.05f).add("bias", (n, p) -> n.equals("bias"), 0.5f, 0f).build(ps),
                    0.01f, 0.9f, 0.999f, 1e-8f), be);
        }
    }

    @Test
    void adamWDefaultsWithClippingMatchPyTorch() throws IOException {
        Map<String, Object> c = read("adamw_clip.json");
        for (Backend be : BACKENDS) {
            replay("adamw_clip", c, ps -> {
                AdamW o = new AdamW(ps, 0.02f);
                o.clipGradNorm(0.5f);
                return o;
            }, be);
        }
    }

    @Test
    void sgdVariantsMatchPyTorch() throws IOException {
        Map<String, Object> cases = read("sgd.json");
        assertEquals(4, cases.size());
        for (Map.Entry<String, Object> e : cases.entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) e.getValue();
            float momentum = num(c.get("momentum")), wd = num(c.get("weight_decay"));
            boolean nesterov = (Boolean) c.get("nesterov");
            for (Backend be : BACKENDS) replay("sgd " + e.getKey(), c, ps -> new SGD(ps, 0.05f, momentum, wd, nesterov), be);
        }
    }

    @Test
    void adamMatchesPyTorch() throws IOException {
        Map<String, Object> cases = read("adam.json");
        assertEquals(2, cases.size());
        for (Map.Entry<String, Object> e : cases.entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) e.getValue();
            float wd = num(c.get("weight_decay"));
            for (Backend be : BACKENDS) replay("adam " + e.getKey(), c, ps -> new Adam(ps, 0.01f, 0.9f, 0.999f, 1e-8f, wd), be);
        }
    }

    /**
     * Without weight decay PyTorch adds no {@code wd·w} term, so a parameter holding ±Inf stays ±Inf (a term
     * {@code 0·Inf} would make it NaN) and its finite neighbours update as usual: every optimizer, both backends.
     */
    @Test
    void infiniteParametersStayInfiniteWithoutWeightDecayAsInPyTorch() throws IOException {
        Map<String, Object> cases = read("nonfinite_weights.json");
        Map<String, Function<List<Parameter>, Optimizer>> makers = Map.of(
                "sgd", ps -> new SGD(ps, 0.05f, 0.9f),
                "adam", ps -> new Adam(ps, 0.01f),
                "adamw", ps -> new AdamW(ps, 0.01f),
                "rmsprop", ps -> new RMSProp(ps, 0.01f, 0.99f, 1e-8f, 0f, 0f, false));
        assertEquals(makers.keySet(), cases.keySet());
        for (Map.Entry<String, Object> e : cases.entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) e.getValue();
            List<?> last = (List<?>) ((Map<?, ?>) ((List<?>) c.get("steps")).get(3)).get("params");
            assertEquals(Float.POSITIVE_INFINITY, floats(last.get(0))[5], e.getKey() + ": the case keeps +Inf");
            for (Backend be : BACKENDS) replay("non-finite " + e.getKey(), c, makers.get(e.getKey()), be);
        }
    }

    @Test
    void rmsPropVariantsMatchPyTorch() throws IOException {
        Map<String, Object> cases = read("rmsprop.json");
        assertEquals(4, cases.size());
        for (Map.Entry<String, Object> e : cases.entrySet()) {
            @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) e.getValue();
            float momentum = num(c.get("momentum")), wd = num(c.get("weight_decay"));
            boolean centered = (Boolean) c.get("centered");
            for (Backend be : BACKENDS) {
                replay("rmsprop " + e.getKey(), c, ps -> new RMSProp(ps, 0.01f, 0.99f, 1e-8f, wd, momentum, centered), be);
            }
        }
    }

    @Test
    void clippingMatchesPyTorchAndPropagatesNaNAndInf() throws IOException {
        List<?> cases = read("clip.json");
        assertEquals(4, cases.size());
        for (Backend be : BACKENDS) {
            for (Object o : cases) {
                Map<?, ?> c = (Map<?, ?>) o;
                String name = c.get("name") + " on " + be.name();
                List<Parameter> ps = new ArrayList<>();
                for (Object g : (List<?>) c.get("grads")) {
                    Map<?, ?> t = (Map<?, ?>) g;
                    Parameter p = new Parameter("p", Tensor.zeros(shape(t.get("shape"))));
                    float[] data = floats(t.get("data"));
                    for (int j = 0; j < data.length; j++) p.grad().setFlat(j, data[j]);
                    ps.add(p);
                }
                double total = GradientClipping.clipGradNorm(ps, num(c.get("max_norm")), be);
                agree(num(c.get("total_norm")), (float) total, name + " total norm");
                List<?> clipped = (List<?>) c.get("clipped");
                for (int i = 0; i < ps.size(); i++) agree(floats(clipped.get(i)), ps.get(i).grad(), name + " gradient " + i);
            }
        }
        // the poisoned cases really are poisoned: NaN everywhere for a NaN norm, zeros and a NaN for an infinite one
        Map<?, ?> nan = (Map<?, ?>) cases.get(2);
        assertTrue(Float.isNaN(num(nan.get("total_norm"))) && Float.isNaN(floats(((List<?>) nan.get("clipped")).get(0))[0]));
        assertTrue(Float.isInfinite(num(((Map<?, ?>) cases.get(3)).get("total_norm"))));
    }

    @Test
    void schedulesMatchPyTorchStepByStep() throws IOException {
        Map<String, Object> all = read("schedules.json");
        float base = num(all.get("base_lr"));
        Map<?, ?> cases = (Map<?, ?>) all.get("cases");
        assertEquals(5, cases.size());
        for (Map.Entry<?, ?> e : cases.entrySet()) {
            Map<?, ?> c = (Map<?, ?>) e.getValue();
            String name = (String) e.getKey();
            LearningRateSchedule s = switch (name) {
                case "step" -> LearningRateSchedule.step((Long) c.get("step_size"), num(c.get("gamma")));
                case "exponential" -> LearningRateSchedule.exponential(((Number) c.get("gamma")).doubleValue());
                case "onecycle", "onecycle_7" -> LearningRateSchedule.oneCycle();
                case "cosine" -> LearningRateSchedule.cosine();
                default -> throw new AssertionError(name);
            };
            long total = (Long) c.get("total");
            float[] want = floats(c.get("lrs"));
            assertEquals(total, want.length, name);
            for (int k = 0; k < total; k++) agree(want[k], s.rate(base, k, total), name + " lr at step " + k);
        }
    }
}
