package org.vectorgrad.backend.vector.gemm;

import org.vectorgrad.backend.CpuFeatures;

/**
 * The CPU-dependent GEMM parameters, as a pure function of the vector width and the cache sizes so that tests can
 * cover every table on any machine. Names follow BLIS: an MR x NR micro-tile, KC the depth of one packed panel,
 * MC the rows of op(A) packed at once (the A block kept in L2), NC the columns of op(B) packed at once.
 * The rules and the measurements behind them are in {@code docs/decisions.md}.
 *
 * <p>This class does not touch {@code jdk.incubator.vector}, so it can be used where that module is absent.
 *
 * @param bits vector width in bits (128, 256 or 512)
 * @param mr   rows of the micro-tile
 * @param nr   columns of the micro-tile ({@link #nrFor}: one vector for the 256-bit 12-row tile, else two)
 * @param kc   depth of a packed panel
 * @param mc   rows of a packed A block (a multiple of mr)
 * @param nc   columns of a packed B block (a multiple of nr)
 * @param kcOnePass deepest K that a product takes in one pass instead of KC-deep
 *             blocks; at least kc ({@link #forCaches(int, long, long, long, boolean, boolean)})
 * @param kStrips the micro-kernel's k loops are written as strips ({@link #hasStripTwin}: the 256-bit 6 x 16 tile's
 *             twin for JVMs whose counted loops carry no safepoint polls, {@link #forCaches(int, long, long, long,
 *             boolean)}); the same FMAs in the same order, so the same bits either way
 *
 * <p>Thread safety: immutable; safe to share.
 */
public record GemmBlocking(int bits, int mr, int nr, int kc, int mc, int nc, int kcOnePass, boolean kStrips) {

    /** Cache sizes used when the machine does not say: the AVX-512 Xeon of PERFORMANCE.md's table (bytes). */
    public static final int DEFAULT_L1 = 48 << 10, DEFAULT_L2 = 2 << 20, DEFAULT_L3 = 32 << 20;

    public GemmBlocking {
        if (bits != 128 && bits != 256 && bits != 512) throw new IllegalArgumentException("vector bits must be 128, 256 or 512, got " + bits);
        if (mr < 1 || nr != nrFor(bits, mr) || kc < 1 || mc < mr || mc % mr != 0 || nc < nr || nc % nr != 0 || kcOnePass < kc
                || (kStrips && !hasStripTwin(bits, mr))) {
            throw new IllegalArgumentException("inconsistent GEMM blocking " + this);
        }
    }

    /**
     * The table in one line for {@code vectorgrad info}, e.g. {@code 6 x 16 tile, KC 768, MC 510, NC 2720}, with the
     * one-pass depth where it exceeds KC and the strip-mined k loops where they are used.
     */
    public String summary() {
        return mr + " x " + nr + " tile, KC " + kc + (kcOnePass > kc ? " (one pass up to K " + kcOnePass + ")" : "") + ", MC " + mc
                + ", NC " + nc + (kStrips ? ", k loops strip-mined by hand" : "");
    }

    /** A table with plain k loops ({@code kStrips} false). */
    public GemmBlocking(int bits, int mr, int nr, int kc, int mc, int nc, int kcOnePass) {
        this(bits, mr, nr, kc, mc, nc, kcOnePass, false);
    }

    /** A table whose products split K by KC, however deep (kcOnePass = kc), with plain k loops. */
    public GemmBlocking(int bits, int mr, int nr, int kc, int mc, int nc) {
        this(bits, mr, nr, kc, mc, nc, kc);
    }

    /** Whether the tile of this width and MR has a twin with strip-mined k loops: the 256-bit 6 x 16 tile. */
    public static boolean hasStripTwin(int bits, int mr) {
        return bits == 256 && mr == 6;
    }

    /** The table for a vector width with default cache sizes. */
    public static GemmBlocking forBits(int bits) {
        return forCaches(bits, DEFAULT_L1, DEFAULT_L2, DEFAULT_L3);
    }

    /**
     * Columns of the micro-tile for a width and MR: one vector for the 256-bit 12-row tile (12 accumulators, one B
     * vector: what fits 16 registers with more FMA chains than FMA latency x ports), two vectors otherwise.
     */
    public static int nrFor(int bits, int mr) {
        return bits == 256 && mr == 12 ? 8 : 2 * bits / 32;
    }

    /** Depth of a packed panel, measured (docs/decisions.md): 384 beat 128-256 and tied 512 on Zen 4. */
    public static final int KC = 384;

    /**
     * Deepest panel of the 256-bit 6 x 16 tile: a k step is 12 vector FMAs instead of the 512-bit tile's 24, so the
     * tile's C loads and stores weigh more per FMA and a deeper panel amortizes them; its B micro-panel (KC x 16
     * floats) may fill L1 (docs/decisions.md §2t: KC 640-768 gave 1.02-1.04x over 384 under the AVX2 proxy on Zen 5).
     */
    public static final int KC_NARROW = 1024;

    /**
     * Deepest panel of the 512-bit 12 x 32 tile: with {@code ir} outside {@code jr} its A micro-panel (12 x KC) is
     * what stays in L1, and a deeper panel means fewer passes over C; 512 with the B block in half of L2 measured
     * 1.03-1.08x over 384 at 1024³ on the Xeon (docs/decisions.md §2q).
     */
    public static final int KC_WIDE = 512;

    /**
     * Deepest K that the 512-bit 12 x 32 tile takes in one pass, on AMD. A deeper pass means C loaded and stored
     * once instead of twice, and one packing pass of each operand instead of two. On AMD Zen 5, K up to 1024 in one
     * pass against two 512-deep ones, products of a single row block (M ≤ MC: the MLP's batch-128 products, which
     * keep no B block): 1.03-1.06x at one thread on 128x512x784 NT, 128x256x784 NT, 512x512x1024 and 672x672x1024 NT,
     * 1.01-1.02x on three more shapes, 0.99-1.04x at two threads (docs/decisions.md §2ac); products of several row
     * blocks, since each thread packs its own op(B) (§2ae): 1.010-1.024x at one thread on 1024³ (NN, NT, TN),
     * 2048x1024x1024, 1024x1024x768 and 700x2048x1000, 0.98-1.10x at two (§2ag). The fourth pass measured a
     * 1024-deep panel at 0.94x on 128x512x784 NT on the Intel Xeon, with the kernels and paths of the time; no Intel
     * CPU has been measured since, so Intel and unknown CPUs keep KC.
     */
    public static final int KC_ONE_PASS = 1024;

    /**
     * The table for a vector width and per-core L1d, per-core L2 and shared L3 sizes in bytes.
     * <ul>
     *   <li>MR x NR fits the register file as C2 allocates it: 32 zmm hold 12x2 accumulators + 2 B vectors + the
     *       broadcasts C2 hoists (MR 14 spills). With 16 ymm registers (AVX2, or {@code -XX:UseAVX=2}) the tile is
     *       6 x 2 vectors: 12 accumulators + 2 B vectors + one broadcast at a time, 8 loads per 12 FMAs, 1.02-1.07x
     *       the 5 x 2 tile (7 loads per 10 FMAs, 3 registers to spare for the broadcasts C2 hoists); where counted
     *       loops carry no safepoint polls (this form, and see the five-argument one) with its k loops strip-mined
     *       by hand ({@code kStrips}, docs/decisions.md §2v, §2aj). The 12 x 1 tile (12 FMAs, 13 loads: every broadcast is a load) is bound by
     *       CPUs that issue two vector loads per cycle (AMD Zen, Intel before Ice Lake) at 12/13 of the FMA peak;
     *       4x2 has only 8 FMA chains, exactly FMA latency x ports (docs/decisions.md §2b, §2t). 128-bit: 4 x 2.</li>
     *   <li>KC = {@value #KC} for the two-vector tiles: the B micro-panel (KC x NR) need not fit L1, since the
     *       kernel reads it from L2 at ~15 bytes per cycle, far below L2's bandwidth, and a deeper panel halves the C
     *       tile's load/store traffic and the per-panel overhead. {@code l1} only bounds it for tiny L1s. The
     *       256-bit 6 x 16 tile goes deeper, its B micro-panel filling L1 up to {@value #KC_NARROW}; the
     *       512-bit 12 x 32 tile goes up to {@value #KC_WIDE} where its A micro-panel fits half of L1.</li>
     *   <li>MC keeps the packed A block (MC x KC) in half of L2 (for deeper panels: the rows of a
     *       {@value #KC}-deep one, within 3/4 of L2); NC the packed B block (KC x NC) in a quarter of L3, capped at
     *       4096, and for the 512-bit tile in half of L2 (unless L3 streams as fast, the six-argument form). Only
     *       products of several row blocks use NC: one row block packs its B micro-panels one at a time.</li>
     *   <li>kcOnePass: KC unless the six-argument form gives the 512-bit tile {@value #KC_ONE_PASS}.</li>
     * </ul>
     */
    public static GemmBlocking forCaches(int bits, long l1, long l2, long l3) {
        return forCaches(bits, l1, l2, l3, false);
    }

    /**
     * As {@link #forCaches(int, long, long, long)} for a JVM with or without safepoint polls in counted loops
     * ({@link LoopSafepoints}): at 256 bits the 6 x 16 tile either way, with plain k loops where loops carry polls
     * and strip-mined ones ({@code kStrips}) where they do not. The 6 x 16 tile fills all 16 ymm registers (12
     * accumulators, 2 B vectors, one broadcast at a time); C2 keeps it spill-free only in the loop shape it builds
     * around a poll, and a plain counted loop without the poll (the Serial and Parallel collectors' default) hoists
     * a third broadcast, spills an accumulator and runs at half speed (docs/decisions.md §2v). Those JVMs ran the
     * 5 x 16 tile until the strip-mined twin gave them the polled shape without the polls (§2aj). The strips do not
     * change an element's operations (KC does), so both give the same bits.
     */
    public static GemmBlocking forCaches(int bits, long l1, long l2, long l3, boolean countedLoopSafepoints) {
        return forCaches(bits, l1, l2, l3, countedLoopSafepoints, false);
    }

    /**
     * As {@link #forCaches(int, long, long, long, boolean)}, where {@code streamingL3} says whether the L3 feeds a
     * core's ir sweeps as fast as its L2 does (AMD Zen: one L3 slice per core complex, ~32 bytes per cycle per core;
     * see {@link #streamingL3(CpuFeatures)}). The 512-bit tile then keeps the other widths' L3 bound on NC instead
     * of half of L2: a B block that only L3 holds costs it nothing there, while each extra column block packs op(A)
     * again (on AMD Zen 5, NC 4096 against 512: 1.01-1.03x at one thread, no change beyond the spread at two,
     * docs/decisions.md §2y); and a product takes K up to {@value #KC_ONE_PASS} in one pass.
     * On the Xeon the half-of-L2 bound measured 1.01-1.07x (§2q). NC never changes an element's operations, so both
     * give the same bits.
     */
    public static GemmBlocking forCaches(int bits, long l1, long l2, long l3, boolean countedLoopSafepoints, boolean streamingL3) {
        int mr = bits == 128 ? 4 : bits == 256 ? 6 : 12;
        boolean kStrips = hasStripTwin(bits, mr) && !countedLoopSafepoints;
        int nr = nrFor(bits, mr);
        // The 6 x 16 tile at 256 bits: KC up to KC_NARROW with the B micro-panel (KC x NR floats) in L1 (768 on a
        // 48 KiB L1, 512 on Zen 3's 32 KiB); every other tile KC, or less where 2 x L1 holds less.
        // The 512-bit 12 x 32 tile goes deeper than KC where its A micro-panel (MR x KC floats, the L1-resident
        // operand of an ir sweep) still fits half of L1, up to KC_WIDE (the Xeon's 48 KiB: 512; Zen 4's 32 KiB: KC).
        boolean wide = bits == 512 && mr == 12;
        int deepest = wide ? (int) Math.max(KC, Math.min(KC_WIDE, roundDownLong(l1 / 2 / (mr * 4L), 16))) : KC;
        int kc = bits == 256
                ? (int) Math.max(64, Math.min(KC_NARROW, roundDownLong(l1 / (nr * 4L), 16)))
                : (int) Math.max(64, Math.min(deepest, roundDownLong(l1 * 2 / (nr * 4L), 16)));
        // MC as for a KC-deep panel (A block in half of L2); a deeper panel (the 256-bit tile) keeps those rows while
        // its A block stays within 3/4 of L2: fewer rows per block would split M = 128 in two and double the packing
        // of op(B) on two threads (§2h: Zen 3's MC 120 instead of 168 measured 0.91-0.95 at 2 threads)
        long rows = Math.min(l2 / 2 / (Math.min(kc, KC) * 4L), l2 * 3 / 4 / (kc * 4L));
        int mc = clamp(roundDown((int) Math.min(Integer.MAX_VALUE, rows), mr), mr * 4, roundDown(2048, mr));
        // NC: the packed B block (KC x NC) in a quarter of L3, capped at 4096; for the 512-bit tile also in half of
        // L2, which every ir sweep of the staged path rereads at 128 bytes per 24 FMAs (twice the 256-bit tile's
        // rate per cycle). Under the AVX2 proxy a B block of half of L2 measured 0.92-0.95 of one in L3 (op(A) is
        // then packed once per column block), so the narrower tiles keep the L3 bound (docs/decisions.md §2q).
        long ncCap = l3 / 4 / (kc * 4L);
        if (wide && !streamingL3) ncCap = Math.min(ncCap, l2 / 2 / (kc * 4L));
        int nc = clamp(roundDown((int) Math.min(Integer.MAX_VALUE, ncCap), nr), nr * 8, 4096);
        // One pass over K up to KC_ONE_PASS: measured on AMD only (see the constant)
        int kcOnePass = wide && streamingL3 ? Math.max(kc, KC_ONE_PASS) : kc;
        return new GemmBlocking(bits, mr, nr, kc, mc, nc, kcOnePass, kStrips);
    }

    /**
     * Whether this CPU's L3 streams to a core as fast as its L2 for {@link #forCaches(int, long, long, long, boolean,
     * boolean)}: AMD's (Zen's per-complex L3), not Intel's mesh L3 nor an unknown CPU's (the measured Xeon default).
     */
    public static boolean streamingL3(CpuFeatures cpu) {
        return "AuthenticAMD".equals(cpu.vendor());
    }

    private static long roundDownLong(long v, long unit) { return v / unit * unit; }

    /**
     * The same width with another MR, KC, MC or NC (for measurements and tests); NR follows MR ({@link #nrFor}),
     * mc and nc are rounded to mr/nr, every product splits K by the new KC (kcOnePass = kc), and the k loops stay
     * strip-mined where this table's are and the new MR has a twin for that.
     */
    public GemmBlocking with(int mr, int kc, int mc, int nc) {
        int nr = nrFor(bits, mr);
        return new GemmBlocking(bits, mr, nr, kc, Math.max(mr, roundDown(mc, mr)), Math.max(nr, roundDown(nc, nr)), kc,
                kStrips && hasStripTwin(bits, mr));
    }

    /** The same table with another {@code kcOnePass} (at least kc), for measurements and tests. */
    public GemmBlocking withKcOnePass(int kcOnePass) {
        return new GemmBlocking(bits, mr, nr, kc, mc, nc, kcOnePass, kStrips);
    }

    /** The same table with plain ({@code false}) or strip-mined k loops, for measurements and tests. */
    public GemmBlocking withKStrips(boolean kStrips) {
        return new GemmBlocking(bits, mr, nr, kc, mc, nc, kcOnePass, kStrips);
    }

    private static int roundDown(int v, int unit) { return v / unit * unit; }

    private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }
}
