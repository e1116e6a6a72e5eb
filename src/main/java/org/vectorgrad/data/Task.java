package org.vectorgrad.data;

/**
 * What a dataset's targets are, and so which loss and which test metrics fit it:
 * <ul>
 *   <li>{@link #CLASSIFICATION}: one {@code int} class label per sample in {@code [0, classes)}; softmax
 *       cross-entropy; test accuracy (arg-max of the outputs equals the label).</li>
 *   <li>{@link #REGRESSION}: {@code width} float targets per sample (usually 1); MSE, MAE or Huber; test MSE and MAE
 *       over every target value, in the targets' own units.</li>
 *   <li>{@link #MULTI_LABEL}: {@code width} independent yes/no labels per sample, targets in [0, 1] (a label is
 *       "on" when its target is at least 0.5); binary cross-entropy on logits; test exact-match (every label of a
 *       sample right) and label accuracy (the fraction of all sample-label pairs right), a label predicted on when
 *       its logit is above 0 (probability above 0.5).</li>
 * </ul>
 *
 * <p>Thread safety: an enum, immutable; safe to share.
 */
public enum Task {
    CLASSIFICATION, REGRESSION, MULTI_LABEL;

    /** The lower-case name the CLI uses: {@code classification}, {@code regression}, {@code multilabel}. */
    public String cliName() {
        return this == MULTI_LABEL ? "multilabel" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
