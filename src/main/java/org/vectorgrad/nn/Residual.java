package org.vectorgrad.nn;

/**
 * Residual blocks built from {@link Sum} (so model files, {@link org.vectorgrad.io.ModelSpec} and predictors need
 * nothing new): {@code y = body(x) + shortcut(x)}. When the body changes the channel count or the resolution, the
 * shortcut is a <em>projection</em>, a 1×1 convolution with the body's stride and no bias followed by
 * {@link BatchNorm2d}, as in ResNet (He et al. 2015, option B) and torchvision's {@code downsample}. Stateless
 * factories; the layers they return are ordinary layers (not thread-safe).
 */
public final class Residual {
    private Residual() {}

    /**
     * {@code Sum(body, Sequential(Conv2d 1×1 stride s, no bias, BatchNorm2d(out)))}: a block whose body maps
     * {@code inChannels} to {@code outChannels} at stride {@code stride}. The 1×1 weights are He-normal from
     * {@code seed}. In state_dict names the body is {@code <prefix>0.*} and the shortcut {@code <prefix>1.0.weight},
     * {@code <prefix>1.1.*}.
     */
    public static Sum projection(Layer body, int inChannels, int outChannels, int stride, long seed) {
        return new Sum(body, projectionShortcut(inChannels, outChannels, stride, seed));
    }

    /** The projection shortcut alone: 1×1 convolution (stride {@code stride}, no bias) and BatchNorm2d. */
    public static Sequential projectionShortcut(int inChannels, int outChannels, int stride, long seed) {
        return new Sequential(Conv2d.builder(inChannels, outChannels).kernel(1).stride(stride).padding(0).bias(false).seed(seed).build(),
                new BatchNorm2d(outChannels));
    }

    /**
     * ResNet's basic block followed by its ReLU: {@code ReLU(body(x) + shortcut(x))} with body
     * {@code conv3×3(stride) – BN – ReLU – conv3×3 – BN} (no conv bias) and the shortcut the identity when the shape is
     * kept ({@code stride == 1 && in == out}), else the projection. Convolution weights He-normal from
     * {@code seed}, {@code seed + 1} and {@code seed + 2}.
     */
    public static Sequential basicBlock(int inChannels, int outChannels, int stride, long seed) {
        Sequential body = new Sequential(
                Conv2d.builder(inChannels, outChannels).kernel(3).stride(stride).padding(1).bias(false).seed(seed).build(),
                new BatchNorm2d(outChannels), new ReLU(),
                Conv2d.builder(outChannels, outChannels).kernel(3).stride(1).padding(1).bias(false).seed(seed + 1).build(),
                new BatchNorm2d(outChannels));
        Sum sum = stride == 1 && inChannels == outChannels ? new Sum(body, new Identity())
                : projection(body, inChannels, outChannels, stride, seed + 2);
        return new Sequential(sum, new ReLU());
    }
}
