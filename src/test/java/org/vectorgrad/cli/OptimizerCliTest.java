package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --optimizer}, {@code --weight-decay}, {@code --clip-norm} and the new schedules, end to end. */
class OptimizerCliTest {
    private static MainTest.Result run(String... args) { return MainTest.run(args); }

    @Test
    void badOptimizerOptionsAreUsageErrorsNamingTheOption() {
        MainTest.Result r = run("train", "--optimizer", "lbfgs");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--optimizer must be one of sgd, adam, adamw, rmsprop, got 'lbfgs'"), r.err());
        r = run("train", "--optimizer", "adamw", "--momentum", "0.9");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--momentum applies to --optimizer sgd or rmsprop"), r.err());
        r = run("train", "--lr-gamma", "0.5");
        assertTrue(r.code() == 2 && r.err().contains("--lr-gamma applies to --schedule step or exponential, got --schedule cosine"), r.err());
        r = run("train", "--schedule", "exponential", "--lr-step-epochs", "2");
        assertTrue(r.code() == 2 && r.err().contains("--lr-step-epochs applies to --schedule step"), r.err());
        r = run("train", "--rmsprop-centered");
        assertTrue(r.code() == 2 && r.err().contains("--rmsprop-centered needs --optimizer rmsprop, got sgd"), r.err());
        r = run("train", "--clip-norm", "-1");
        assertTrue(r.code() == 2 && r.err().contains("--clip-norm must be between"), r.err());
        r = run("train", "--schedule", "warm");
        assertTrue(r.code() == 2 && r.err().contains("--schedule must be one of cosine, constant, step, exponential, onecycle"), r.err());
    }

    @Test
    void adamWWithClippingAndOneCycleTrainsAndAResumeUnderOtherOptionsIsRefused(@TempDir Path dir) {
        Path data = Path.of(TrainingOptions.DEFAULT_DATA);
        org.vectorgrad.Prerequisites.require(Files.isDirectory(data), "Fashion-MNIST not installed at " + data + " (apt-get install dataset-fashion-mnist)");
        String ck = dir.resolve("ck").toString();
        MainTest.Result a = run("train", "--optimizer", "adamw", "--weight-decay", "0.05", "--clip-norm", "1", "--schedule", "onecycle",
                "--lr", "0.003", "--epochs", "1", "--limit", "2000", "--batch", "100", "--threads", "2", "--seed", "3", "--checkpoint", ck);
        assertEquals(0, a.code(), a.err());
        String j = a.lastLine();
        assertTrue(j.contains("\"optimizer\": \"adamw\"") && j.contains("\"weight_decay\": 0.050000") && j.contains("\"clip_norm\": 1.0000")
                && j.contains("\"schedule\": \"onecycle\"") && j.contains("\"lr_warmup\": 0"), j);
        assertTrue(a.err().contains("optimizer AdamW(lr=0.003, betas=(0.9, 0.999), eps=1.0E-8, groups=[no_decay: 3 params, lr x 1.0, weight decay 0.0; decay: 3 params, lr x 1.0, weight decay 0.05], clip_norm=1.0)"), a.err());
        double acc = Double.parseDouble(j.replaceAll(".*\"test_accuracy\": ([0-9.]+).*", "$1"));
        assertTrue(acc > 0.65, "2000 samples, one epoch of AdamW already learns: " + j);

        MainTest.Result b = run("train", "--optimizer", "adamw", "--weight-decay", "0.1", "--clip-norm", "1", "--schedule", "onecycle",
                "--lr", "0.003", "--epochs", "1", "--limit", "2000", "--batch", "100", "--threads", "2", "--seed", "3", "--resume", ck);
        assertEquals(1, b.code(), b.err());
        assertTrue(b.err().contains("optimizer configuration is") && b.err().contains("weight decay 0.1"), b.err());
    }

    @Test
    void centeredRmsPropWithStepDecayTrains() {
        Path data = Path.of(TrainingOptions.DEFAULT_DATA);
        org.vectorgrad.Prerequisites.require(Files.isDirectory(data), "Fashion-MNIST not installed at " + data + " (apt-get install dataset-fashion-mnist)");
        MainTest.Result r = run("train", "--optimizer", "rmsprop", "--rmsprop-centered", "--momentum", "0.5", "--schedule", "step",
                "--lr-step-epochs", "1", "--lr-gamma", "0.5", "--lr-warmup", "0", "--epochs", "1", "--limit", "2000", "--batch", "100",
                "--threads", "2", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        String j = r.lastLine();
        assertTrue(j.contains("\"optimizer\": \"rmsprop\"") && j.contains("\"momentum\": 0.500") && j.contains("\"lr\": 0.0010"), j);
        double acc = Double.parseDouble(j.replaceAll(".*\"test_accuracy\": ([0-9.]+).*", "$1"));
        assertTrue(acc > 0.65, "2000 samples, one epoch of RMSProp already learns: " + j);
    }
}
