package org.vectorgrad.io;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.vectorgrad.nn.Conv2d;
import org.vectorgrad.nn.Dense;
import org.vectorgrad.nn.Init;
import org.vectorgrad.nn.Sequential;
import org.vectorgrad.tensor.Tensor;

/** The optional {@code "init"} of Dense and Conv2d specs: each name draws from its distribution; absent is he_uniform. */
class ModelSpecInitTest {

    private static Tensor denseWeight(String init) {
        String field = init == null ? "" : ",\"init\":\"" + init + "\"";
        Sequential s = (Sequential) ModelSpec.build(Json.parse(
                "{\"type\":\"Sequential\",\"layers\":[{\"type\":\"Dense\",\"in\":784,\"out\":256,\"bias\":true" + field + "}]}"));
        return ((Dense) s.layers().get(0)).weight().value();
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) m = Math.max(m, Math.abs(t.getFlat(i)));
        return m;
    }

    private static double std(Tensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) s += (double) t.getFlat(i) * t.getFlat(i);
        return Math.sqrt(s / t.size());
    }

    @Test
    void eachNameDrawsFromItsDistribution() {
        double xavierBound = Math.sqrt(6.0 / (784 + 256)), heBound = Math.sqrt(6.0 / 784);
        Tensor xu = denseWeight("xavier_uniform");
        assertTrue(maxAbs(xu) <= xavierBound && maxAbs(xu) > 0.99 * xavierBound, "xavier_uniform bound " + maxAbs(xu));
        Tensor hu = denseWeight("he_uniform");
        assertTrue(maxAbs(hu) <= heBound && maxAbs(hu) > 0.99 * heBound, "he_uniform bound " + maxAbs(hu));
        assertEquals(Math.sqrt(2.0 / (784 + 256)), std(denseWeight("xavier_normal")), 0.01 * Math.sqrt(2.0 / (784 + 256)));
        assertEquals(Math.sqrt(2.0 / 784), std(denseWeight("he_normal")), 0.01 * Math.sqrt(2.0 / 784));
        // absent: he_uniform, as before the field existed (same seed, same bits)
        assertArrayEquals(hu.toArray(), denseWeight(null).toArray());
        for (Init i : Init.values()) assertEquals(i, Init.named(i.specName()));
    }

    @Test
    void conv2dTakesItToo() {
        Conv2d c = (Conv2d) ModelSpec.build(Json.parse("{\"type\":\"Conv2d\",\"in\":4,\"out\":8,\"kernel\":[3,3],\"stride\":[1,1],"
                + "\"padding\":[1,1,1,1],\"dilation\":[1,1],\"groups\":1,\"bias\":false,\"init\":\"xavier_uniform\"}"));
        double bound = Math.sqrt(6.0 / (4 * 9 + 8 * 9));
        assertTrue(maxAbs(c.weight().value()) <= bound, "xavier bound of a 4->8 3x3 conv");
    }

    @Test
    void aBadInitIsRefusedNamingTheLayer() {
        Object spec = Json.parse("{\"type\":\"Sequential\",\"layers\":[{\"type\":\"Flatten\"},"
                + "{\"type\":\"Dense\",\"in\":4,\"out\":2,\"bias\":true,\"init\":\"glorot\"}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.build(spec));
        assertTrue(e.getMessage().contains("layer 1") && e.getMessage().contains("glorot") && e.getMessage().contains("xavier_uniform"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parameterShapes(spec));
        assertTrue(e.getMessage().contains("layer 1") && e.getMessage().contains("glorot"), e.getMessage());
        Object number = Json.parse("{\"type\":\"Dense\",\"in\":4,\"out\":2,\"bias\":true,\"init\":3}");
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.build(number));
        assertTrue(e.getMessage().contains("\"init\" must be a string"), e.getMessage());
    }
}
