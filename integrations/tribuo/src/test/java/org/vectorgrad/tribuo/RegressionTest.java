package org.vectorgrad.tribuo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;

class RegressionTest {
    static VectorgradTrainer<Regressor> trainer(long seed) {
        return VectorgradTrainer.regression().hidden(32).activation(VectorgradTrainer.Activation.TANH).adam(0.01f)
                .schedule(VectorgradTrainer.Schedule.COSINE, 0).epochs(40).batchSize(32).seed(seed).threads(2).build();
    }

    @Test
    void learnsTwoDimensionsByNameAndBeatsTheMeanByFar() {
        MutableDataset<Regressor> train = Data.regression(800, 1), test = Data.regression(200, 2);
        Model<Regressor> model = trainer(3).train(train);
        assertFalse(model.generatesProbabilities());
        RegressionEvaluation eval = new RegressionEvaluator().evaluate(model, test);
        // "a" = 2·x0 − 3·x1 + 0.5 has std ≈ 2.1 over the inputs, "b" = x0·x1 about 0.33: a mean predictor's RMSE
        Regressor a = new Regressor("a", Double.NaN), b = new Regressor("b", Double.NaN);
        assertTrue(eval.rmse(a) < 0.15, "rmse a " + eval.rmse(a));
        assertTrue(eval.rmse(b) < 0.1, "rmse b " + eval.rmse(b));
        assertTrue(eval.r2(a) > 0.99 && eval.r2(b) > 0.8, "r2 a " + eval.r2(a) + ", b " + eval.r2(b));
        for (Prediction<Regressor> p : model.predict(test)) {
            assertArrayEquals(new String[] {"a", "b"}, p.getOutput().getNames());
        }
    }

    @Test
    void deterministicForSeedAndThreads() {
        MutableDataset<Regressor> train = Data.regression(200, 1), test = Data.regression(50, 2);
        List<Prediction<Regressor>> x = trainer(5).train(train).predict(test), y = trainer(5).train(train).predict(test);
        List<Prediction<Regressor>> z = trainer(6).train(train).predict(test);
        boolean anyDiffers = false;
        for (int i = 0; i < x.size(); i++) {
            double[] u = x.get(i).getOutput().getValues(), v = y.get(i).getOutput().getValues(), w = z.get(i).getOutput().getValues();
            for (int j = 0; j < 2; j++) {
                assertEquals(Double.doubleToRawLongBits(u[j]), Double.doubleToRawLongBits(v[j]));
                anyDiffers |= u[j] != w[j];
            }
        }
        assertTrue(anyDiffers);
    }
}
