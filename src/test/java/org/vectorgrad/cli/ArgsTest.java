package org.vectorgrad.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private static Args parse(String... a) {
        return Args.parse(List.of(a), Set.of("epochs", "lr", "model"), Set.of("json"));
    }

    @Test
    void parsesBothForms() {
        Args a = parse("--epochs", "3", "--lr=0.1", "--json");
        assertEquals(3, a.integer("epochs", 5, 1, 10));
        assertEquals(0.1f, a.decimal("lr", 0.05f, 0f, 1f));
        assertTrue(a.flag("json"));
        assertEquals("mlp", a.choice("model", "mlp", List.of("mlp", "cnn")));
    }

    @Test
    void errorsNameTheArgument() {
        assertEquals("unknown option --epoch", assertThrows(UsageException.class, () -> parse("--epoch", "3")).getMessage());
        assertEquals("--epochs expects an integer, got 'three'",
                assertThrows(UsageException.class, () -> parse("--epochs", "three").integer("epochs", 5, 1, 10)).getMessage());
        assertEquals("--epochs must be between 1 and 10, got 0",
                assertThrows(UsageException.class, () -> parse("--epochs", "0").integer("epochs", 5, 1, 10)).getMessage());
        assertEquals("option --lr needs a value", assertThrows(UsageException.class, () -> parse("--lr")).getMessage());
        assertEquals("--model must be one of mlp, cnn, got 'rnn'",
                assertThrows(UsageException.class, () -> parse("--model", "rnn").choice("model", "mlp", List.of("mlp", "cnn"))).getMessage());
        assertEquals("unexpected argument 'x'", assertThrows(UsageException.class, () -> parse("x")).getMessage());
    }
}
