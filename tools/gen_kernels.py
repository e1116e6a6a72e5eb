#!/usr/bin/env python3
"""Generates the GEMM micro-kernels (one class per vector width and MR) into backend/vector/gemm/.

Why generated: a Vector API kernel is only fast when its species is a static final constant and its MR x NR
accumulators are separate local variables (C2 keeps those in registers; an array of vectors it does not). Writing
each shape by hand is error-prone, so the shapes come from this one template. Run from the repository root:
    python3 tools/gen_kernels.py
"""
import hashlib
import os

import exact_casts   # every vector a kernel makes is cast to its exact class (tools/exact_casts.py, decisions §2bw)

OUT = "src/main/java/org/vectorgrad/backend/vector/gemm"
# (bits, MR, k unroll[, vectors per row]): NR is 2 vectors unless a fourth entry says otherwise. The table in
# docs/decisions.md says which one each width uses: 12 x 2 vectors for 512-bit (32 zmm registers); 12 x 1 vector for
# 256-bit (16 ymm registers: 12 accumulators + 1 B vector + the broadcasts C2 hoists fit, 6 x 2 spilled one and
# 4 x 2 has only 8 FMA chains, exactly FMA latency x ports, so any stall shows); 4 x 2 for 128-bit.
SHAPES = [(512, 8, 1), (512, 12, 1), (256, 6, 1), (256, 5, 1), (256, 4, 1), (256, 12, 1, 1), (128, 6, 1), (128, 4, 1)]
# Row subsets with their own loop, for a last micro-panel with few valid rows (M = 64 is five panels of 12 and one
# of 4; M = 128 ends with 8): the padding rows would cost as much as real ones. docs/decisions.md §2c.
# Kernels that write full tiles into C straight from their accumulators (MicroKernel.runStore): the 12-row tiles
# (docs/decisions.md §2i: the 256-bit one 1.00-1.08 under the AVX2 proxy in the ninth pass; the 512-bit one, which
# straddled 1 then, 1.06 and 1.08 on the K = 64 and K = 32 conv shapes and neutral elsewhere once the k loops counted
# through A, tenth pass).
FUSED_STORE = {(256, 12), (256, 6), (256, 5), (512, 12)}
# The k loops of kernels with unroll 1 count through A (one step of MR floats per iteration) with a second counter
# for B, instead of computing both indices from p: 7 instructions besides the FMAs and loads per k step instead of 9
# (the 12 x 8 kernel under -XX:UseAVX=2: 32 instead of 34 in all, the one bounds check left being B's); the 12-row
# kernels ran 1.05-1.07x faster at 256 and 512 bits (docs/decisions.md §2n). The bits do not change: the same FMAs in
# the same order.
# Kernels whose k loops count through B instead (j the loop counter, i for A the second one): A's broadcasts then keep
# their bounds checks, which C2 does not move the loads above, so it no longer hoists the broadcasts of later rows
# (each a live register) ahead of the FMAs. The 6 x 16 tile on 16 registers (12 accumulators + 2 B vectors) spilled an
# accumulator when its loop counted through A (C2 kept three broadcasts live, §2b, §2p); counted through B it has
# 31 instructions per k step, 12 FMAs, 8 loads and no spill, and KernelBench under the AVX2 proxy gave 104-106
# GFLOP/s against the 5 x 16 tile's 99-101 (docs/decisions.md §2v). The bits do not change: the same FMAs in the
# same order.
COUNT_B = {(256, 6)}
# Kernels with a first-vector-only variant for a last column panel of at most one vector of valid columns
# (MicroKernel.runCols; decisions §2w; the 512-bit tile for N = 32q + 16, e.g. the MLP's 784: decisions §2ba).
FIRST_VECTOR = {(256, 6), (512, 12)}
PARTIAL_ROWS = {(512, 12): [4, 8], (512, 8): [4], (256, 12): [4, 8], (256, 6): [4]}
# Kernels that also take op(A) as MR row segments of an untransposed A copied MicroKernel.ROW_PANEL_STRIDE floats
# apart (MicroKernel.readsRowPanels), so that a GEMM whose A is not transposed copies its rows (System.arraycopy)
# instead of transposing them into a packed panel (0.19-0.29 ns per element at 256 bits, ~10 % of the NT shapes with
# K >> M, N). The stride is a constant so that the MR loads of a k step are one index plus constant offsets, as in
# the packed kernels: with a run-time stride C2 hoisted all five broadcasts and spilled an accumulator (40 instead of
# ~95 GFLOP/s). docs/decisions.md §2u.
ROW_PANELS = {(256, 6), (256, 5), (512, 12)}


def gen(bits, mr, unroll=1, nv=2, name=None, strip=0):
    """One kernel class. {@code unroll} > 1 writes that many k steps per loop iteration (plus a one-step remainder
    loop): every accumulator still sees its FMAs in ascending k order, so the bits do not change, only the loop
    overhead per FMA does (C2 does not unroll a loop body this large by itself). {@code strip} > 0 (unroll-1 kernels)
    writes every k loop as strips of that many steps, an outer loop over strips around an inner counted loop: the
    same FMAs in the same order, in the loop shape C2 builds itself where counted loops carry safepoint polls
    (see STRIPPED)."""
    name = name or f"Kernel{bits}x{mr}"
    acc = [[f"c{r}_{v}" for v in range(nv)] for r in range(mr)]
    L = []
    w = L.append
    w("package org.vectorgrad.backend.vector.gemm;")
    w("")
    w("import jdk.incubator.vector.FloatVector;")
    w("import jdk.incubator.vector.VectorSpecies;")
    w("")
    w(f"/**")
    w(f" * GEMM micro-kernel, {bits}-bit vectors, MR = {mr} rows x NR = {nv} vector{'s' if nv > 1 else ''}" + (f", k loop unrolled {unroll}x." if unroll > 1 else "")
      + (f", k loops in strips of {strip} steps (for JVMs without safepoint polls in counted loops)." if strip else ("" if unroll > 1 else ".")))
    w(f" * GENERATED by {{@code tools/gen_kernels.py}}: edit the template there, not this file.")
    w(f" */")
    w(f"final class {name} extends MicroKernel {{")
    w(f"    private static final VectorSpecies<Float> S = FloatVector.SPECIES_{bits};")
    w(f"    private static final int L = S.length();")
    w(f"    private static final int NR = {nv} * L;" if nv > 1 else "    private static final int NR = L;")
    if (bits, mr) in ROW_PANELS:
        w("    private static final int RS = ROW_PANEL_STRIDE;")
    if strip:
        w(f"    /** k steps per strip of a k loop: the inner loop's trip count, as C2's own strips have where loops carry polls. */")
        w(f"    private static final int STRIP = {strip};")
    w("")
    w(f"    {name}() {{ super({mr}, NR); }}")
    w("")
    w("    @Override")
    w("    void run(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {")
    for r in range(mr):
        w("        FloatVector " + ", ".join(f"{acc[r][v]} = FloatVector.zero(S)" for v in range(nv)) + ";")

    two = unroll == 1

    def k_loop(ind):
        # the k loop of an unroll-1 kernel: counting through A by default (see the comment on COUNT_B), through B for COUNT_B
        if strip:
            # strips: the outer loop only moves the inner one's bound; the counters run on from strip to strip
            if (bits, mr) not in COUNT_B:
                raise ValueError("strip-mined k loops are written for kernels that count through B")
            w(f"{ind}for (int j = bOff, i = aOff, end = bOff + kc * NR; j < end; ) {{")
            w(f"{ind}for (int stripEnd = Math.min(end, j + STRIP * NR); j < stripEnd; j += NR, i += {mr}) {{")
        elif (bits, mr) in COUNT_B:
            w(f"{ind}for (int j = bOff, i = aOff, end = bOff + kc * NR; j < end; j += NR, i += {mr}) {{")
        else:
            w(f"{ind}for (int i = aOff, j = bOff, end = aOff + kc * {mr}; i < end; i += {mr}, j += NR) {{")

    def k_end(ind):
        # closes k_loop's loop (both loops of a strip-mined one)
        w(f"{ind}}}}}" if strip else f"{ind}}}")

    def store_alpha_one(with_beta):
        # C from the accumulators for alpha 1: C = acc (beta 0), or C = acc + C (beta 1), see COUNT_B's runStore
        for r in range(mr):
            for v in range(nv):
                at = f"cOff + {r} * ldc" + (f" + {v} * L" if v else "")
                if with_beta:
                    w(f"        {acc[r][v]}.add(FloatVector.fromArray(S, c, {at})).intoArray(c, {at});")
                else:
                    w(f"        {acc[r][v]}.intoArray(c, {at});")

    def step(ind, u, first):
        # Indices are affine in the one loop counter p (aOff + p·MR + const): C2 then proves every access in range
        # before the loop and drops the per-access bounds checks (with separate pa/pb counters in an unrolled body
        # it kept a check per load, seen in the JIT's assembly). Kernels with unroll 1 count through A instead (i)
        # and keep a second counter for B (j): A's checks still go, B's one check per step stays, and the index
        # arithmetic shrinks to two adds.
        if two:
            ao, bo = "i + ", "j"
        else:
            ao = f"aOff + (p + {u}) * {mr} + " if u else f"aOff + p * {mr} + "
            bo = f"bOff + (p + {u}) * NR" if u else "bOff + p * NR"
        decl = "FloatVector " if first else ""
        w(f"{ind}{decl}b0 = FloatVector.fromArray(S, b, {bo});")
        for v in range(1, nv):
            w(f"{ind}{decl}b{v} = FloatVector.fromArray(S, b, {bo} + {'L' if v == 1 else f'{v} * L'});")
        for r in range(mr):
            w(f"{ind}FloatVector a{r}_{u} = FloatVector.broadcast(S, a[{ao}{r}]);")
            for v in range(nv):
                w(f"{ind}{acc[r][v]} = a{r}_{u}.fma(b{v}, {acc[r][v]});")

    def sub_tile(method, doc, rows, vecs):
        # run()'s FMAs for its first `rows` rows and first `vecs` vectors only, in run()'s order: those elements get
        # run()'s bits, and the others are neither computed nor written
        w("")
        w(doc)
        w(f"    private void {method}(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {{")
        for r in range(rows):
            w("        FloatVector " + ", ".join(f"{acc[r][v]} = FloatVector.zero(S)" for v in range(vecs)) + ";")
        if two:
            k_loop("        ")
        else:
            w("        for (int p = 0; p < kc; p++) {")
        bo, ao = ("j", "i + ") if two else ("bOff + p * NR", f"aOff + p * {mr} + ")
        w(f"            FloatVector b0 = FloatVector.fromArray(S, b, {bo});")
        for v in range(1, vecs):
            w(f"            FloatVector b{v} = FloatVector.fromArray(S, b, {bo} + {'L' if v == 1 else f'{v} * L'});")
        for r in range(rows):
            w(f"            FloatVector a{r}_0 = FloatVector.broadcast(S, a[{ao}{r}]);")
            for v in range(vecs):
                w(f"            {acc[r][v]} = a{r}_0.fma(b{v}, {acc[r][v]});")
        if two:
            k_end("        ")
        else:
            w("        }")
        for r in range(rows):
            for v in range(vecs):
                w(f"        {acc[r][v]}.intoArray(tile, {r * nv + v} * L);")
        w("    }")

    if two:
        k_loop("        ")
        step("            ", 0, True)
        k_end("        ")
    else:
        w("        int p = 0;")
    if unroll > 1 and not two:
        w(f"        for (; p <= kc - {unroll}; p += {unroll}) {{")
        for u in range(unroll):
            step("            ", u, u == 0)
        w("        }")
    if not two:
        w("        for (; p < kc; p++) {")
        step("            ", 0, True)
        w("        }")
    for r in range(mr):
        for v in range(nv):
            w(f"        {acc[r][v]}.intoArray(tile, {r * nv + v} * L);")
    w("    }")
    subsets = PARTIAL_ROWS.get((bits, mr), [])
    if subsets:
        w("")
        w("    @Override")
        w("    void runRows(int rows, int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {")
        for i, rows in enumerate(subsets):
            w(f"        {'if' if i == 0 else 'else if'} (rows <= {rows}) run{rows}(kc, a, aOff, b, bOff, tile);")
        w("        else run(kc, a, aOff, b, bOff, tile);")
        w("    }")
    if (bits, mr) in FIRST_VECTOR and nv > 1:
        # A last column panel of at most L valid columns (N = 196 is 12 panels of 16 and 4 columns): only the first
        # vector of each row, MR FMA chains instead of 2·MR. Each of those columns sees run()'s FMAs in run()'s
        # order, so it gets run()'s bits; the columns of zero padding are not computed (decisions §2w).
        w("")
        w("    @Override")
        w("    void runCols(int cols, int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {")
        w("        if (cols <= L) runFirstVector(kc, a, aOff, b, bOff, tile);")
        w("        else run(kc, a, aOff, b, bOff, tile);")
        w("    }")
        sub_tile("runFirstVector", "    /** Columns 0..L-1 of {@link #run}'s tile, the same bits; the other columns are not written. */", mr, 1)
    for rows in subsets:
        # The first `rows` rows of a panel packed for MR rows: each of those rows sees the FMAs of run(), in the same
        # order, so its values are run()'s bits; the rows of zero padding below are not computed (nor stored).
        sub_tile(f"run{rows}", f"    /** Rows 0..{rows - 1} of {{@link #run}}'s tile (a panel with at most {rows} valid rows), the same bits; the other rows are not written. */", rows, nv)
    if (bits, mr) in FUSED_STORE:
        w("")
        w("    @Override")
        w("    boolean fusedStore() { return true; }")
        # The full tile straight from the accumulators into C, without the tile buffer: MicroKernel.runStore. The
        # same FMAs and the same store formulas as run() + storeFull(), so the same bits.
        for with_beta in (False, True):
            if (bits, mr) in COUNT_B:
                # A float live across the k loop (alpha, beta) takes one of the 16 registers this tile fills, and C2
                # then spills an accumulator (docs/decisions.md §2v). The common GEMM (alpha 1; beta 0, or 1 for every
                # KC block after the first) needs neither: 1·acc is acc and fma(acc, 1, 1·C) rounds acc + C once,
                # as acc.add(C) does, so these give run() + storeFull()'s bits; other alphas and betas take that path.
                w("")
                w("    @Override")
                args = "float alpha, float beta" if with_beta else "float alpha"
                w(f"    void runStore(int kc, float[] a, int aOff, float[] b, int bOff, {args}, float[] c, int cOff, int ldc, float[] tile) {{")
                cond = "alpha == 1f && beta == 1f" if with_beta else "alpha == 1f"
                w(f"        if ({cond}) {'addOne' if with_beta else 'storeOne'}(kc, a, aOff, b, bOff, c, cOff, ldc);")
                w(f"        else super.runStore(kc, a, aOff, b, bOff, {'alpha, beta' if with_beta else 'alpha'}, c, cOff, ldc, tile);")
                w("    }")
                w("")
                w(f"    private void {'addOne' if with_beta else 'storeOne'}(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {{")
                for r in range(mr):
                    w("        FloatVector " + ", ".join(f"{acc[r][v]} = FloatVector.zero(S)" for v in range(nv)) + ";")
                k_loop("        ")
                step("            ", 0, True)
                k_end("        ")
                store_alpha_one(with_beta)
                w("    }")
                continue
            w("")
            w("    @Override")
            args = "float alpha, float beta" if with_beta else "float alpha"
            w(f"    void runStore(int kc, float[] a, int aOff, float[] b, int bOff, {args}, float[] c, int cOff, int ldc, float[] tile) {{")
            for r in range(mr):
                w("        FloatVector " + ", ".join(f"{acc[r][v]} = FloatVector.zero(S)" for v in range(nv)) + ";")
            if two:
                k_loop("        ")
            else:
                w("        for (int p = 0; p < kc; p++) {")
            step("            ", 0, True)
            if two:
                k_end("        ")
            else:
                w("        }")
            w("        FloatVector va = FloatVector.broadcast(S, alpha);")
            if with_beta:
                w("        FloatVector vb = FloatVector.broadcast(S, beta);")
            for r in range(mr):
                for v in range(nv):
                    at = f"cOff + {r} * ldc" + (f" + {v} * L" if v else "")
                    if with_beta:
                        w(f"        {acc[r][v]}.fma(va, FloatVector.fromArray(S, c, {at}).mul(vb)).intoArray(c, {at});")
                    else:
                        w(f"        {acc[r][v]}.mul(va).intoArray(c, {at});")
            w("    }")
    if (bits, mr) in ROW_PANELS:
        # The same FMAs in the same order as run()/runStore(), with A's value for row r and step p at
        # a[aOff + r·ROW_PANEL_STRIDE + p] instead of a[aOff + p·MR + r]: the same bits as a packed panel.
        def rows_loop():
            for r in range(mr):
                w("        FloatVector " + ", ".join(f"{acc[r][v]} = FloatVector.zero(S)" for v in range(nv)) + ";")
            if strip:
                w("        for (int j = bOff, p = aOff, end = bOff + kc * NR; j < end; ) {")
                w("        for (int stripEnd = Math.min(end, j + STRIP * NR); j < stripEnd; j += NR, p++) {")
            else:
                w("        for (int j = bOff, p = aOff, end = bOff + kc * NR; j < end; j += NR, p++) {")
            ind = "            "
            w(f"{ind}FloatVector b0 = FloatVector.fromArray(S, b, j);")
            for v in range(1, nv):
                w(f"{ind}FloatVector b{v} = FloatVector.fromArray(S, b, j + {'L' if v == 1 else f'{v} * L'});")
            for r in range(mr):
                w(f"{ind}FloatVector a{r}_0 = FloatVector.broadcast(S, a[{'p' if r == 0 else ('p + RS' if r == 1 else f'p + {r} * RS')}]);")
                for v in range(nv):
                    w(f"{ind}{acc[r][v]} = a{r}_0.fma(b{v}, {acc[r][v]});")
            k_end("        ")

        w("")
        w("    @Override")
        w("    boolean readsRowPanels() { return true; }")
        w("")
        w("    @Override")
        w("    void runRowPanel(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {")
        rows_loop()
        for r in range(mr):
            for v in range(nv):
                w(f"        {acc[r][v]}.intoArray(tile, {r * nv + v} * L);")
        w("    }")
        for with_beta in (False, True):
            args = "float alpha, float beta" if with_beta else "float alpha"
            if (bits, mr) in COUNT_B:
                # as runStore: alpha 1 (beta 0 or 1) from the accumulators, other scalars through the tile buffer
                name1 = "rowAddOne" if with_beta else "rowStoreOne"
                w("")
                w("    @Override")
                w(f"    void runStoreRowPanel(int kc, float[] a, int aOff, float[] b, int bOff, {args}, float[] c, int cOff, int ldc, float[] tile) {{")
                w(f"        if ({'alpha == 1f && beta == 1f' if with_beta else 'alpha == 1f'}) {name1}(kc, a, aOff, b, bOff, c, cOff, ldc);")
                w("        else {")
                w("            runRowPanel(kc, a, aOff, b, bOff, tile);")
                w(f"            storeFull(tile, {'alpha, beta' if with_beta else 'alpha'}, c, cOff, ldc);")
                w("        }")
                w("    }")
                w("")
                w(f"    private void {name1}(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {{")
                rows_loop()
                store_alpha_one(with_beta)
                w("    }")
                continue
            w("")
            w("    @Override")
            w(f"    void runStoreRowPanel(int kc, float[] a, int aOff, float[] b, int bOff, {args}, float[] c, int cOff, int ldc, float[] tile) {{")
            rows_loop()
            w("        FloatVector va = FloatVector.broadcast(S, alpha);")
            if with_beta:
                w("        FloatVector vb = FloatVector.broadcast(S, beta);")
            for r in range(mr):
                for v in range(nv):
                    at = f"cOff + {r} * ldc" + (f" + {v} * L" if v else "")
                    if with_beta:
                        w(f"        {acc[r][v]}.fma(va, FloatVector.fromArray(S, c, {at}).mul(vb)).intoArray(c, {at});")
                    else:
                        w(f"        {acc[r][v]}.mul(va).intoArray(c, {at});")
            w("    }")
    w("")
    w("    @Override")
    # a full tile is storeRows over all MR rows (a constant once inlined); storeRows alone serves the last row
    # panel of an M that MR does not divide, whose columns are all valid, instead of storeEdge's scalar loop
    w("    void storeFull(float[] tile, float alpha, float[] c, int cOff, int ldc) {")
    w(f"        storeRows(tile, alpha, c, cOff, ldc, {mr});")
    w("    }")
    w("")
    w("    @Override")
    w("    void storeFull(float[] tile, float alpha, float beta, float[] c, int cOff, int ldc) {")
    w(f"        storeRows(tile, alpha, beta, c, cOff, ldc, {mr});")
    w("    }")
    w("")
    w("    @Override")
    w("    void storeRows(float[] tile, float alpha, float[] c, int cOff, int ldc, int rows) {")
    w("        FloatVector va = FloatVector.broadcast(S, alpha);")
    w("        for (int r = 0; r < rows; r++) {")
    w("            for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, tile, r * NR + v).mul(va).intoArray(c, cOff + r * ldc + v);")
    w("        }")
    w("    }")
    w("")
    w("    @Override")
    w("    void storeRows(float[] tile, float alpha, float beta, float[] c, int cOff, int ldc, int rows) {")
    w("        FloatVector va = FloatVector.broadcast(S, alpha), vb = FloatVector.broadcast(S, beta);")
    w("        for (int r = 0; r < rows; r++) {")
    w("            for (int v = 0; v < NR; v += L) {")
    w("                int ci = cOff + r * ldc + v;")
    w("                FloatVector.fromArray(S, tile, r * NR + v).fma(va, FloatVector.fromArray(S, c, ci).mul(vb)).intoArray(c, ci);")
    w("            }")
    w("        }")
    w("    }")
    w("}")
    return name, "\n".join(L) + "\n"


# Strip-mined twins (bits, MR, strip): the 256-bit 6 x 16 tile with every k loop written as strips of STRIP steps,
# for JVMs whose counted loops carry no safepoint polls (the Serial and Parallel collectors' default). There C2
# builds Kernel256x6's single counted loop with a third broadcast hoisted and an accumulator spilled (half speed,
# docs/decisions.md §2v), so those JVMs ran the 5 x 16 tile; the strips give C2 the shape it builds around a poll,
# which keeps all 12 accumulators in registers (§2aj). Same FMAs in the same order: Kernel256x6's bits.
STRIPPED = [(256, 6, 128)]


def stripped_name(bits, mr):
    return f"Kernel{bits}x{mr}s"


if __name__ == "__main__":
    for bits, mr, unroll, *nv in SHAPES:
        name, src = gen(bits, mr, unroll, *nv)
        with open(os.path.join(OUT, name + ".java"), "w") as f:
            f.write(exact_casts.process(src)[0])
        print("wrote", name)
    for bits, mr, strip in STRIPPED:
        name, src = gen(bits, mr, 1, 2, name=stripped_name(bits, mr), strip=strip)
        with open(os.path.join(OUT, name + ".java"), "w") as f:
            f.write(exact_casts.process(src)[0])
        print("wrote", name)


# ---- register transposes for the packers ---------------------------------------------------------------
# (bits, partial row count): the full L x L transpose plus one with `rows` < L source rows (MR of that width).
TRANSPOSES = [(512, 12), (256, 4, 6, 5)]


def zip_network(w, L, ind):
    """The log2(L) rounds of the interleave ("zip") of rows i and i + L/2 over IntVectors r0..r{L-1} (zlo and zhi
    in scope): writes the lines and returns the names of the L transposed rows, row q holding source column q."""
    names = [f"r{r}" for r in range(L)]
    t = 0
    for _ in range(L.bit_length() - 1):
        new = [None] * L
        for i in range(L // 2):
            a, b = names[i], names[i + L // 2]
            w(f"{ind}IntVector t{t} = zlo.selectFrom({a}, {b}), t{t + 1} = zhi.selectFrom({a}, {b});")
            new[2 * i], new[2 * i + 1] = f"t{t}", f"t{t + 1}"
            t += 2
        names = new
    return names


def gen_transpose(bits, mr, *extra):
    """One transposer class. At 512 bits each stage is the two-vector {@code selectFrom} (one vpermt2ps). Below that
    it is a single-vector permute and a blend per output row: without AVX-512 there is no two-source permute, and C2
    lowered each two-vector selectFrom to two vpermps, a vblendvps and a per-call conversion and check of the float
    index vector. Measured under -XX:UseAVX=2: 25-30 ns per 8x8 transpose against 38-40 (docs/decisions.md §2d)."""
    L = bits // 32
    blend = bits < 512
    name = f"Transpose{bits}"
    out = []
    w = out.append
    w("package org.vectorgrad.backend.vector.gemm;")
    w("")
    w("import jdk.incubator.vector.FloatVector;")
    if not blend:
        w("import jdk.incubator.vector.IntVector;")
    if blend:
        w("import jdk.incubator.vector.VectorMask;")
        w("import jdk.incubator.vector.VectorShuffle;")
    w("import jdk.incubator.vector.VectorSpecies;")
    w("")
    w("/**")
    w(f" * {L} x {L} register transposes with {bits}-bit vectors for the packers: {L} (or {mr}) source rows of {L}")
    w(f" * consecutive floats become {L} destination rows in log2({L}) stages.")
    if blend:
        w(" * Each stage swaps off-diagonal blocks between")
        w(" * row pairs with one single-vector permute and one blend per output row: AVX2 has no two-source permute, and")
        w(" * C2's two-vector {@code selectFrom} cost two permutes, a variable blend and an index conversion there.")
        w(" * GENERATED by {@code tools/gen_kernels.py}.")
    else:
        w(f" * Every stage is the same interleave of rows i and i + {L // 2} (two-vector {{@code selectFrom}} on int lanes,")
        w(" * vpermi2d). GENERATED by {@code tools/gen_kernels.py}.")
    w(" */")
    w(f"final class {name} extends Transposer {{")
    w(f"    private static final VectorSpecies<Float> S = FloatVector.SPECIES_{bits};")
    d = 1
    stages = []
    while d < L:
        if blend:
            w(f"    /** Lane l takes lane l ^ {d}; M{d}: the lanes with bit {d} set. */")
            w(f"    private static final VectorShuffle<Float> SW{d} = swap({d});")
            w(f"    private static final VectorMask<Float> M{d} = bit({d});")
        stages.append(d)
        d *= 2
    if not blend:
        # log2(L) rounds of the same interleave ("zip") of rows i and i + L/2 transpose the block: two index
        # vectors for every stage instead of two per stage, and int lanes, whose two-vector selectFrom needs no
        # float-to-int conversion and range check of the index per call (docs/decisions.md §2r)
        zlo = [x for k in range(L // 2) for x in (k, L + k)]
        zhi = [x for k in range(L // 2, L) for x in (k, L + k)]
        w(f"    private static final VectorSpecies<Integer> I = IntVector.SPECIES_{bits};")
        w(f"    /** Lanes 0..{L // 2 - 1} of two rows interleaved (ZLO) and lanes {L // 2}..{L - 1} (ZHI). */")
        w(f"    static final int[] ZLO = {{{', '.join(map(str, zlo))}}}, ZHI = {{{', '.join(map(str, zhi))}}};")
    w("")
    w(f"    {name}() {{ super({L}, {mr}); }}")
    w("")
    if blend:
        # One shuffle per stage, the swap of lanes l and l ^ d, serves both halves of a row pair: lanes with bit d
        # set read the partner row's lane l - d, the others lane l + d. Separate down and up shifts (two shuffles per
        # stage) left C2 more constant registers than the 16 ymm hold with the 8 rows, and it spilled rows.
        w("    private static VectorShuffle<Float> swap(int d) {")
        w(f"        int[] ix = new int[{L}];")
        w(f"        for (int l = 0; l < {L}; l++) ix[l] = l ^ d;")
        w("        return VectorShuffle.fromArray(S, ix, 0);")
        w("    }")
        w("")
        w("    private static VectorMask<Float> bit(int d) {")
        w(f"        boolean[] m = new boolean[{L}];")
        w(f"        for (int l = 0; l < {L}; l++) m[l] = (l & d) != 0;")
        w("        return VectorMask.fromArray(S, m, 0);")
        w("    }")
    w("")

    def zipBody(rows, ind, so, do):
        for r in range(L):
            if r < rows:
                w(f"{ind}IntVector r{r} = FloatVector.fromArray(S, src, {so} + {r} * ld).reinterpretAsInts();")
            else:
                w(f"{ind}IntVector r{r} = IntVector.zero(I);")
        names = zip_network(w, L, ind)
        for q in range(L):
            w(f"{ind}{names[q]}.reinterpretAsFloats().intoArray(dst, {do} + {q} * stride);")

    def body(rows, ind="        ", so="srcOff", do="dstOff"):
        for r in range(L):
            if r < rows:
                w(f"{ind}FloatVector r{r} = FloatVector.fromArray(S, src, {so} + {r} * ld);")
            else:
                w(f"{ind}FloatVector r{r} = FloatVector.zero(S);")
        if blend:
            w(f"{ind}FloatVector t;")
        for d in reversed(stages):
            for i in range(L):
                if i & d:
                    continue
                j = i + d
                if blend:
                    # lo[l] = bit d clear ? r_i[l] : r_j[l - d];  hi[l] = bit d clear ? r_i[l + d] : r_j[l]
                    w(f"{ind}t = r{i}.blend(r{j}.rearrange(SW{d}), M{d}); r{j} = r{i}.rearrange(SW{d}).blend(r{j}, M{d}); r{i} = t;")
                else:
                    w(f"{ind}{{ FloatVector t = LO{d}.selectFrom(r{i}, r{j}); r{j} = HI{d}.selectFrom(r{i}, r{j}); r{i} = t; }}")
        for q in range(L):
            w(f"{ind}r{q}.intoArray(dst, {do} + {q} * stride);")

    # The interleave indexes are loaded inside the loop body (C2 hoists the loads out of the loop in a normal compile):
    # a vector held in a local across the loop's back edge is live at an on-stack-replacement entry, where C2 receives
    # it as a heap object, and the OSR compile of panelRun then built 588 KB of code in 8.6-10.6 s (22 KB and ~0.1 s
    # for the normal compile) while `train` ran the packer's tier-3 code (docs/decisions.md §2ad).
    ZIP_CONSTANTS = "            IntVector zlo = IntVector.fromArray(I, ZLO, 0), zhi = IntVector.fromArray(I, ZHI, 0);"

    def run(rows):
        # `blocks` consecutive blocks along the source rows in one call: the constants are set up once per run instead
        # of once per block, and the loads' indexes are affine in the loop counter (srcOff + i·L + r·ld), so C2 can
        # check them before the loop; block i goes to destination rows from dstOff + i·L·stride.
        w("        for (int i = 0; i < blocks; i++) {")
        if not blend:
            w(ZIP_CONSTANTS)
        w(f"            int so = srcOff + i * {L}, d = dstOff + i * {L} * stride;")
        if blend:
            body(rows, "            ", "so", "d")
        else:
            zipBody(rows, "            ", "so", "d")
        w("        }")

    def panelRun():
        # a transposed op(B) panel several vectors wide: per block along p, each group of L source rows (h) to
        # columns h·L.. of the destination rows, every destination row written whole before the next block
        if blend:
            # 256 bits: one run per group of L columns. The block-by-block order of the 512-bit version kept 16 row
            # offsets and 8 range checks live per block, more than the 16 general registers C2 had left, and it
            # spilled them: 0.22 ns per element against 0.16 for the runs (5 x 16 tile, AVX2 proxy on Zen 5).
            w(f"        for (int h = 0; h < stride; h += {L}) fullRun(src, srcOff + h * ld, ld, dst, dstOff + h, stride, blocks);")
            return
        # gridRun with one group per L destination columns: one method for the packers and SmallGemm's transposed
        # operands, so that the packers' calls bring it to C2. A copy of the loop that only SmallGemm called ran its
        # tier-3 code (every vector boxed, ~100x slower) for up to 27 s of a 13-shape sweep: tier 3 wants ~600 calls
        # of a method before C2 takes it, and SmallGemm calls it once per product (docs/decisions.md §2ak).
        w(f"        gridRun(src, srcOff, ld, dst, dstOff, stride, stride / {L}, blocks);")

    def pairsLoop():
        # blocks x groups (block, group) pairs, block-major: group h of block i to columns h·L.. of its rows
        w("        for (int t = 0, pairs = blocks * groups; t < pairs; t++) {")
        w(ZIP_CONSTANTS)
        w(f"            int i = t / groups, h = (t - i * groups) * {L};")
        w(f"            int so = srcOff + i * {L} + h * ld, d = dstOff + i * {L} * stride + h;")
        zipBody(L, "            ", "so", "d")
        w("        }")

    w("    @Override")
    w("    void full(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride) {")
    if blend:
        body(L)
    else:
        w("        fullRun(src, srcOff, ld, dst, dstOff, stride, 1); // the packers call the runs; one body to keep")
    w("    }")
    w("")
    w("    @Override")
    w("    void mrRows(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride) {")
    # Full-width stores in ascending q: each one spills lanes mr..L-1 (zeros) into the next destination row, which
    # the next store then overwrites; a masked store measured 11 ns per element against 0.3 for this.
    if blend:
        body(mr)
    else:
        w("        mrRowsRun(src, srcOff, ld, dst, dstOff, stride, 1);")
    w("    }")
    w("")
    w("    @Override")
    w("    void panelRun(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {")
    panelRun()
    w("    }")
    w("")
    if not blend:
        # The packers' op(B) panels (panelRun) and SmallGemm's whole transposed operand (`groups` groups of 16 source
        # rows, destination rows `stride` apart). One loop over (block, group) pairs, not a group loop nested in the
        # block loop: C2's on-stack-replacement compile of the nested form took 6.7 s now and then (with one 784-deep
        # pass, 49 blocks per call), and the packer ran its tier-3 code, ~60x slower, in the meantime (docs/decisions.md
        # §2ac). Block by block, every destination row written across all groups before the next block: in SmallGemm
        # 0.56-0.90x the time of one fullRun per group (4x128x32 NT 736 against 1,318 ns, 64³ NT 3,034 against 3,332;
        # decisions §2ai).
        w("    @Override")
        w("    void gridRun(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int groups, int blocks) {")
        pairsLoop()
        w("    }")
        w("")
    w("    @Override")
    w("    void fullRun(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {")
    run(L)
    w("    }")
    w("")
    w("    @Override")
    w("    void mrRowsRun(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {")
    run(mr)
    w("    }")
    if extra:
        # other partial row counts: the MRs of other tiles of this width (the 256-bit 6 x 16 and 5 x 16 tiles next to
        # 12 x 8), each in a method of its own (one body per method keeps each small enough for C2 to inline its
        # Vector API calls)
        w("")
        w("    @Override")
        w("    boolean hasRows(int rows) { return rows == mr" + "".join(" || rows == %d" % r for r in extra) + "; }")
        w("")
        w("    @Override")
        w("    void rowsRun(int rows, float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {")
        for i, rows in enumerate(extra):
            w("        %sif (rows == %d) rows%d(src, srcOff, ld, dst, dstOff, stride, blocks);" % ("" if i == 0 else "else ", rows, rows))
        w("        else super.rowsRun(rows, src, srcOff, ld, dst, dstOff, stride, blocks);")
        w("    }")
        for rows in extra:
            w("")
            w("    private void rows%d(float[] src, int srcOff, int ld, float[] dst, int dstOff, int stride, int blocks) {" % rows)
            run(rows)
            w("    }")
    w("}")
    return name, "\n".join(out) + "\n"


if __name__ == "__main__":
    for bits, mr, *extra in TRANSPOSES:
        name, src = gen_transpose(bits, mr, *extra)
        with open(os.path.join(OUT, name + ".java"), "w") as f:
            f.write(exact_casts.process(src)[0])
        print("wrote", name)


# ---- unpacked kernels for SmallGemm ---------------------------------------------------------------------
# (bits, rows, most vectors per panel): op(A) rows broadcast in place, op(B) rows read in place, no packing
# (docs/decisions.md §2a). 6 rows x 4 vectors fills 24 of 32 zmm registers with accumulators; with 16 registers,
# 6 x 2 (12 accumulators, 2 B vectors, the broadcasts).
UNPACKED = [(512, 6, 4), (256, 6, 2), (128, 6, 2)]
# Heights of the short tiles per width (UnpackedKernel#shortPanel): whole vectors of 2 or more, both store forms.
# Measured at 512 bits and under the AVX2 proxy (decisions §2aq; the 1- and 3-row tiles §2az: a product of one row
# ran a whole 6-row tile reading and writing that row, one of three rows went through copies); none at 128 bits, which no CPU we target runs.
SHORT_HEIGHTS = {512: (1, 2, 3, 4), 256: (1, 2, 3, 4)}


def gen_unpacked(bits, rows, vmax):
    name = f"Unpacked{bits}"
    out = []
    w = out.append
    w("package org.vectorgrad.backend.vector.gemm;")
    w("")
    w("import jdk.incubator.vector.FloatVector;")
    if bits == 512:
        w("import jdk.incubator.vector.IntVector;")
    w("import jdk.incubator.vector.VectorMask;")
    w("import jdk.incubator.vector.VectorSpecies;")
    w("")
    w("/**")
    w(f" * Unpacked GEMM kernels for {{@link SmallGemm}}, {bits}-bit vectors: {rows} rows of C x 1 to {vmax} vectors of columns.")
    w(" * GENERATED by {@code tools/gen_kernels.py}: edit the template there, not this file.")
    w(" */")
    w(f"final class {name} extends UnpackedKernel {{")
    w(f"    private static final VectorSpecies<Float> S = FloatVector.SPECIES_{bits};")
    w("    private static final int L = S.length();")
    if bits == 512:
        w("    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;")
        w("    /** A row of the column tile's 4 columns. */")
        w("    private static final VectorSpecies<Float> Q = FloatVector.SPECIES_128;")
    w("")
    # The column tile (UnpackedKernel#columnTile) at 512 bits only: 4 vectors of rows x 4 columns, 16 accumulators of
    # 32 registers. At 256 bits (2 x 4 with 16 registers) it measured no faster than the cut last vector under the
    # AVX2 proxy (decisions §2ap), so the narrower widths have none.
    cv = 4 if bits == 512 else 0
    # Short tiles for a last row panel of 2 or 4 rows (UnpackedKernel#shortPanel): the 6-row tile overlapping the
    # panel before it computed 66 rows for M = 64 and 36 for M = 32 (decisions §2aq).
    heights = SHORT_HEIGHTS.get(bits, ())
    # Tiles over op(A) transposed (UnpackedKernel#panelT) where the column tile computes op(A) transposed anyway.
    transposed = cv > 0
    w(f"    {name}() {{ super({rows}, {vmax}, L, {rows + 2}, {cv}, new int[] {{{', '.join(str(h) for h in heights)}}}); }}")
    w("")
    if cv:
        w("    @Override")
        w("    void columnTile(int kc, float[] at, int aOff, int ldat, float[] b, int bOff, int ldb, int cols, float[] out, int oOff, int ldo) {")
        w("        columns(kc, at, aOff, ldat, b, bOff, ldb, cols, out, oOff, ldo);")
        w("    }")
        w("")
        w("    @Override")
        w("    void copyColumnsInto(float[] out, int oOff, int ldo, int rows, float[] c, int cOff, int ldc) {")
        w("        columnsToRows(out, oOff, ldo, rows, c, cOff, ldc);")
        w("    }")
        w("")
        w("    /** Pairs of lanes 0..7 of two vectors interleaved (QLO) and of lanes 8..15 (QHI), after {@link Transpose512}'s single lanes. */")
        w("    private static final int[] QLO = {0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23}, QHI = {8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31};")
        w("")
        w(f"    /** {cv} vectors of rows x 4 columns (see {{@link UnpackedKernel#columnTile}}); columns past {{@code cols}} repeat the last one. */")
        w("    private static void columns(int kc, float[] at, int aOff, int ldat, float[] b, int bOff, int ldb, int cols, float[] out, int oOff, int ldo) {")
        w("        int j1 = Math.min(1, cols - 1), j2 = Math.min(2, cols - 1), j3 = Math.min(3, cols - 1);")
        for r in range(cv):
            w("        FloatVector " + ", ".join(f"c{r}_{x} = FloatVector.zero(S)" for x in range(4)) + ";")
        w("        for (int p = 0, ia = aOff, ib = bOff; p < kc; p++, ia += ldat, ib += ldb) {")
        for r in range(cv):
            w(f"            FloatVector a{r} = FloatVector.fromArray(S, at, ia + {r} * L);")
        for x in range(4):
            w(f"            FloatVector b{x} = FloatVector.broadcast(S, b[ib{'' if x == 0 else f' + j{x}'}]);")
            for r in range(cv):
                w(f"            c{r}_{x} = a{r}.fma(b{x}, c{r}_{x});")
        w("        }")
        for x in range(4):
            for r in range(cv):
                w(f"        c{r}_{x}.intoArray(out, oOff + {x} * ldo + {r} * L);")
        w("    }")
        w("")
        w("    /**")
        w("     * {@link UnpackedKernel#copyColumnsInto}: per 16 rows, the 4 columns' vectors transposed in registers (two")
        w("     * stages of two-source permutes into 4 x 4 blocks of rows x columns) and each row's 4 columns stored with one")
        w("     * 128-bit store. A loop over the rows, so C1 compiles it at its full-profile tier (decisions §2aa).")
        w("     */")
        w("    private static void columnsToRows(float[] out, int oOff, int ldo, int rows, float[] c, int cOff, int ldc) {")
        w("        IntVector zlo = IntVector.fromArray(I, Transpose512.ZLO, 0), zhi = IntVector.fromArray(I, Transpose512.ZHI, 0);")
        w("        IntVector qlo = IntVector.fromArray(I, QLO, 0), qhi = IntVector.fromArray(I, QHI, 0);")
        w("        for (int i = 0; i < rows; i += L) {")
        w("            int o = oOff + i, ci = cOff + i * ldc;")
        w("            IntVector x0 = FloatVector.fromArray(S, out, o).reinterpretAsInts(), x1 = FloatVector.fromArray(S, out, o + ldo).reinterpretAsInts();")
        w("            IntVector x2 = FloatVector.fromArray(S, out, o + 2 * ldo).reinterpretAsInts(), x3 = FloatVector.fromArray(S, out, o + 3 * ldo).reinterpretAsInts();")
        w("            IntVector u0 = zlo.selectFrom(x0, x1), u1 = zhi.selectFrom(x0, x1), u2 = zlo.selectFrom(x2, x3), u3 = zhi.selectFrom(x2, x3);")
        w("            // row q of the 16 is lanes 4(q % 4)..4(q % 4) + 3 of w[q / 4]: its 4 columns")
        w("            FloatVector w0 = qlo.selectFrom(u0, u2).reinterpretAsFloats(), w1 = qhi.selectFrom(u0, u2).reinterpretAsFloats();")
        w("            FloatVector w2 = qlo.selectFrom(u1, u3).reinterpretAsFloats(), w3 = qhi.selectFrom(u1, u3).reinterpretAsFloats();")
        for q in range(16):
            w(f"            ((FloatVector) w{q // 4}.reinterpretShape(Q, {q % 4})).intoArray(c, ci + {q} * ldc);")
        w("        }")
        w("    }")
        w("")
    if transposed:
        w("    @Override")
        w("    Tile[] transposedTiles() {")
        w("        return new Tile[] {" + ", ".join(f"new {'' if h == rows else f'R{h}'}T{v}{'b' if bt else ''}()" for h in (rows,) + tuple(heights) for v in range(2, vmax + 1) for bt in (False, True)) + "};")
        w("    }")
        w("")
    if heights:
        w("    @Override")
        w("    Tile[] shortTiles() {")
        w("        return new Tile[] {" + ", ".join(f"new R{h}V{v}{'b' if bt else ''}()" for h in heights for v in range(2, vmax + 1) for bt in (False, True)) + "};")
        w("    }")
        w("")
    w("    @Override")
    w("    Tile[] tiles() {")
    w("        return new Tile[] {" + ", ".join(f"new V{v}{'m' if mk else ''}{'b' if bt else ''}()" for v in range(1, vmax + 1) for mk in (False, True) for bt in (False, True)) + "};")
    w("    }")
    w("")
    w("    /**")
    w("     * The cut last vector of a tile call: {@code rows} accumulators from {@code edge} (one vector a row) stored")
    w("     * to their first {@code lastLanes} columns at {@code c[ci + r·ldc]} as the beta-0 tiles store: acc itself, with")
    w("     * masked stores; a row whose whole vector would pass C's array end is stored lane by lane with the same")
    w("     * scalar operations instead (a masked store past the end takes the Vector API's per-lane fallback, and C2's")
    w("     * guess that it would not be taken cost a recompilation, decisions §2ah). Small and without vector arguments,")
    w("     * so C1 never inlines it into a tile and C2 compiles it alike inlined or not (decisions §2aa).")
    w("     */")
    w("    private static void edge(float[] edge, float[] c, int ci, int ldc, int rows, int lastLanes) {")
    w("        VectorMask<Float> m = S.indexInRange(0, lastLanes);")
    w("        for (int r = 0; r < rows; r++) {")
    w("            int at = ci + r * ldc;")
    w("            if (at <= c.length - L) {")
    w("                FloatVector acc = FloatVector.fromArray(S, edge, r * L);")
    w("                acc.intoArray(c, at, m);")
    w("            } else {")
    w("                for (int j = 0; j < lastLanes; j++) c[at + j] = edge[r * L + j];")
    w("            }")
    w("        }")
    w("    }")
    w("")
    w("    /** {@link #edge} adding to C: {@code acc + C}, as the tiles that read C store. */")
    w("    private static void edgeAdd(float[] edge, float[] c, int ci, int ldc, int rows, int lastLanes) {")
    w("        VectorMask<Float> m = S.indexInRange(0, lastLanes);")
    w("        for (int r = 0; r < rows; r++) {")
    w("            int at = ci + r * ldc;")
    w("            if (at <= c.length - L) {")
    w("                FloatVector.fromArray(S, edge, r * L).add(FloatVector.fromArray(S, c, at, m)).intoArray(c, at, m);")
    w("            } else {")
    w("                for (int j = 0; j < lastLanes; j++) c[at + j] = edge[r * L + j] + c[at + j];")
    w("            }")
    w("        }")
    w("    }")
    tileRows = rows
    variants = [(v, masked, withBeta, tileRows + 2 if v == 1 else tileRows, f"V{v}{'m' if masked else ''}{'b' if withBeta else ''}", False)
                for v in range(1, vmax + 1) for masked in (False, True) for withBeta in (False, True)]
    variants += [(v, False, withBeta, h, f"R{h}V{v}{'b' if withBeta else ''}", False) for h in heights for v in range(2, vmax + 1) for withBeta in (False, True)]
    # op(A) transposed (UnpackedKernel#panelT): whole vectors only, the full height and the short ones
    variants += [(v, False, withBeta, h, f"{'' if h == tileRows else f'R{h}'}T{v}{'b' if withBeta else ''}", True)
                 for h in ((tileRows,) + tuple(heights) if transposed else ()) for v in range(2, vmax + 1) for withBeta in (False, True)]
    for v, masked, withBeta, rows, cls, trans in variants:
        # One vector of columns (N at most a vector: a classifier's output layer) takes two more rows: 6 x 1 had six
        # FMA chains, fewer than the FMA latency times the FMA units (4 x 2) keeps in flight, so it ran latency-bound;
        # 8 x 1 has eight (UnpackedKernel#rowsOneVector). 12 x 1 was slower than 6 x 1 (0.73-0.89x): its eleven row
        # offsets do not fit the integer registers next to the loop's pointers (docs/decisions.md §2af).
        w("")
        desc = f"the last of {v} vectors cut to {{@code lastLanes}} columns" if masked else f"{v} whole vectors"
        store = "C = acc + C (alpha 1; SmallGemm has scaled C by beta)" if withBeta else "C = acc (beta 0: C not read; SmallGemm applies alpha after)"
        w(f"    /** {rows} rows x {desc}{', op(A) transposed' if trans else ''}; {store}. */")
        w(f"    private static final class {cls} extends Tile {{")
        w("        @Override")
        w("        void run(int lastLanes, int kc, float[] a, int aOff, int lda, int allRows, float[] b, int bOff, int ldb, float[] bTail, int tail,")
        w("                 float[] c, int cOff, int ldc, float[] edge) {")
        call = "kc, a, aOff, lda, allRows, b, bOff, ldb" + (", bTail, tail" if masked else "") + ", c, cOff, ldc"
        w(f"            tile({call}{', lastLanes, edge' if masked else ''});")
        w("        }")
        w("")
        w("        // A static method of its own, too large for C2 to inline into run: compiled alone, C2 keeps the 6 x 2")
        w("        // tile's 12 accumulators in registers under -XX:UseAVX=2; compiled as run itself, it spilled 4 of them")
        w("        // (docs/decisions.md §2a).")
        # The tiles take no alpha or beta: a float live across the k loop made C2 carry it through a stack slot
        # (a reload and a spill every k step, a store-to-load chain) in the 256-bit 6 x 2 tile's loop, ~30 % of
        # its time (alpha with counted-loop safepoints, alpha and beta without). SmallGemm scales C by alpha after
        # the beta-0 tiles, or by beta before the adding ones (alpha 1 only: fma(acc, 1, beta·C) is acc + beta·C
        # rounded once), so the bits are the packed path's; docs/decisions.md §2ai.
        sig = "int kc, float[] a, int aOff, int lda, int allRows, float[] b, int bOff, int ldb" + (", float[] bTail, int tail" if masked else "") + ", float[] c, int cOff, int ldc"
        w(f"        private static void tile({sig}{', int lastLanes, float[] edge' if masked else ''}) {{")
        w("            // every row panel of this column panel in one call: the call costs less than the panels it covers")
        # Whole row panels only (allRows a multiple of the tile's rows; SmallGemm makes a short last panel a whole
        # one: overlapping, one row read and written by every row, or copies in scratch): with a store under `if (r < rows)` in this loop, C2's profiled loop predication hoisted that
        # store's range check above the guard (the guard was true in all but the last panel), the check failed
        # on the last panel of a C ending there, and the trap sent the tile back to the interpreter for 1-2 s
        # in a fresh JVM while C2 compiled it again (docs/decisions.md §2ah).
        if trans:
            # op(A)[i, p] = a[aOff + p·lda + i]: the row offsets are constants and one index walks op(A), which
            # frees five integer registers that the 6-row tile spilled around its stores (decisions §2ar)
            w(f"            for (int i0 = 0; i0 < allRows; i0 += {rows}) {{")
            w(f"                int ai = aOff + i0, ci = cOff + i0 * ldc;")
        else:
            for r in range(1, rows):
                w(f"            int o{r} = {r} * lda;")
            w(f"            for (int i0 = 0; i0 < allRows; i0 += {rows}) {{")
            w(f"                int ai = aOff + i0 * lda, ci = cOff + i0 * ldc;")
        for r in range(rows):
            w("                FloatVector " + ", ".join(f"c{r}_{x} = FloatVector.zero(S)" for x in range(v)) + ";")
        def kloop(start, end, arr="b", j0="bOff + (p - ai) * ldb", step="ldb"):
            if trans:
                w(f"                for (int p = 0, q = ai, j = bOff; p < kc; p++, q += lda, j += ldb) {{")
            else:
                w(f"                for (int p = {start}, j = {j0}; p < {end}; p++, j += {step}) {{")
            for x in range(v):
                w(f"                    FloatVector b{x} = FloatVector.fromArray(S, {arr}, j + {x} * L);")
            for r in range(rows):
                idx = ("q" if r == 0 else f"q + {r}") if trans else ("p" if r == 0 else f"p + o{r}")
                w(f"                    FloatVector a{r} = FloatVector.broadcast(S, a[{idx}]);")
                for x in range(v):
                    w(f"                    c{r}_{x} = a{r}.fma(b{x}, c{r}_{x});")
            w("                }")
        if masked:
            # The masked tiles load their last vector whole too: its lanes past lastLanes only feed accumulator
            # lanes that are never stored, so the stored lanes get the same bits. The last `tail` k steps, whose
            # whole-vector loads would pass b's end, read a zero-padded copy of those rows of the panel (bTail,
            # v vectors a row) that SmallGemm makes. A masked load in the k loop has an out-of-range path that is
            # a call: with it in the main loop C2 kept every accumulator on the stack (decisions §2t), and with it
            # in a second loop after the main one the main loop still grew from 89 to 130 instructions per k step
            # (the 6 x 4 tile at 512 bits: 64x196x32 5.4 against 4.4 µs, decisions §2u). The stores of the last
            # vector are masked, but not here: each row's last accumulator goes whole into `edge` and `edge(...)`
            # stores its lastLanes columns. Masked operations in the tile made it too big for C1's full-profile
            # tier (out of virtual registers), and a method that C1 compiled at tier 2 (chosen while C2's queue
            # is long) but cannot at tier 3 stays in tier 2 code for good, boxing every vector (decisions §2aa).
            kloop("ai", "ai + kc - tail")
            kloop("ai + kc - tail", "ai + kc", "bTail", "(p - (ai + kc - tail)) * " + str(v) + " * L", str(v) + " * L")
        else:
            kloop("ai", "ai + kc")
        # stores: C = acc (beta 0), or C = acc + C (the adding tiles); the cut last vector goes to `edge`
        for r in range(rows):
            for x in range(v):
                if masked and x == v - 1:
                    w(f"                c{r}_{x}.intoArray(edge, (i0 + {r}) * L);")
                    continue
                off = f"ci + {r} * ldc + {x} * L"
                if withBeta:
                    w(f"                c{r}_{x}.add(FloatVector.fromArray(S, c, {off})).intoArray(c, {off});")
                else:
                    w(f"                c{r}_{x}.intoArray(c, {off});")
        w("            }")
        if masked:
            w(f"            {'edgeAdd' if withBeta else 'edge'}(edge, c, cOff + {v - 1} * L, ldc, allRows, lastLanes);")
        w("        }")
        w("    }")
    w("}")
    return name, "\n".join(out) + "\n"


if __name__ == "__main__":
    for bits, rows, vmax in UNPACKED:
        name, src = gen_unpacked(bits, rows, vmax)
        with open(os.path.join(OUT, name + ".java"), "w") as f:
            f.write(exact_casts.process(src)[0])
        print("wrote", name)


# ---- one or two rows times B transposed (docs/decisions.md §2av) ---------------------------------------------------
FEW_ROWS_TEMPLATE = "package org.vectorgrad.backend.vector.gemm;\n\nimport jdk.incubator.vector.FloatVector;\nimport jdk.incubator.vector.IntVector;\nimport jdk.incubator.vector.VectorSpecies;\n\n/**\n * {@code C = alpha·A·Bᵀ + beta·C} for one or two rows of A at 512 bits (a served request of one sample through a\n * dense layer, {@code y = W·x}), without packing B: each 16 x 16 block of B (16 rows, 16 consecutive k) is\n * transposed in registers (the 64 two-source permutes of {@link Transpose512}) and its 16 columns feed the FMAs at\n * once, so B is read once and nothing is written but C. The packed path transposes all of B into panels in memory\n * and then runs a 4-row tile for the one or two rows (docs/decisions.md §2av).\n *\n * <p>Same bits as the packed path: lane r of a row's accumulator is C's column r of the block, one FMA chain over p\n * ascending from zero within each of the packed path's K blocks ({@link BlockedGemm#kBlocks}), stored after each\n * block with its formulas ({@code alpha·acc} with beta 0, else {@code fma(acc, alpha, beta·C)}, beta 1 after the\n * first block). The last columns of C, fewer than 16, are computed on a zero-padded copy of B's last rows, and the\n * last k of a block, fewer than 16, one column at a time. Stateless; the caller supplies the scratch.\n * GENERATED by {@code tools/gen_kernels.py} (the register transpose is {@link Transpose512}'s network).\n */\nfinal class FewRowsTransposed {\n    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;\n    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;\n    static final int LANES = 16;\n    /** Lanes 0..7 of two rows interleaved (ZLO) and lanes 8..15 (ZHI), as {@link Transpose512}. */\n    private static final int[] ZLO = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}, ZHI = {8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};\n\n    private FewRowsTransposed() {}\n\n    /** Floats of scratch {@link #gemm} needs: B's last rows zero-padded to 16 (k each), a column, a row of C. */\n    static int scratchSize(int n, int k) {\n        return (n % LANES == 0 ? 0 : LANES * k) + 2 * LANES;\n    }\n\n    /**\n     * C (m x n, m = 1 or 2) = alpha·A·Bᵀ + beta·C with A m x k (rows lda apart) and B n x k (rows ldb apart), K cut\n     * into {@code blocks} blocks as the packed path cuts it.\n     */\n    static void gemm(int m, int n, int k, int blocks, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,\n                     float beta, float[] c, int cOff, int ldc, float[] scratch) {\n        int col = n % LANES == 0 ? 0 : LANES * k, row = col + LANES;\n        int a1 = m > 1 ? aOff + lda : aOff; // a second row, or the first again (its results are not stored)\n        for (int j0 = 0; j0 < n; j0 += LANES) {\n            int valid = Math.min(LANES, n - j0);\n            float[] bb = b;\n            int bo = bOff + j0 * ldb, lb = ldb;\n            if (valid < LANES) { // B's last rows, zero-padded to 16\n                for (int r = 0; r < LANES; r++) {\n                    if (r < valid) System.arraycopy(b, bOff + (j0 + r) * ldb, scratch, r * k, k);\n                    else java.util.Arrays.fill(scratch, r * k, (r + 1) * k, 0f);\n                }\n                bb = scratch; bo = 0; lb = k;\n            }\n            for (int kb = 0; kb < blocks; kb++) {\n                int p0 = BlockedGemm.kBlockStart(k, kb, blocks), p1 = BlockedGemm.kBlockStart(k, kb + 1, blocks);\n                block(m, p0, p1, a, aOff, a1, bb, bo, lb, alpha, kb == 0 ? beta : 1f, c, cOff + j0, ldc, valid, scratch, col, row);\n            }\n        }\n    }\n\n    /** The rows' accumulators over k in [p0, p1) for one block of 16 rows of B, stored into C's 16 columns at cAt. */\n    private static void block(int m, int p0, int p1, float[] a, int a0, int a1, float[] b, int bo, int ldb, float alpha, float beta,\n                              float[] c, int cAt, int ldc, int valid, float[] scratch, int col, int row) {\n        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);\n        IntVector zlo = IntVector.fromArray(I, ZLO, 0), zhi = IntVector.fromArray(I, ZHI, 0);\n        int p = p0;\n        for (; p + LANES <= p1; p += LANES) {\n            int so = bo + p;\n@@BLOCK@@        }\n        for (; p < p1; p++) { // the block's last k, fewer than 16: one column of B at a time\n            for (int r = 0; r < LANES; r++) scratch[col + r] = b[bo + r * ldb + p];\n            FloatVector q = FloatVector.fromArray(S, scratch, col);\n            acc0 = q.fma(FloatVector.broadcast(S, a[a0 + p]), acc0);\n            acc1 = q.fma(FloatVector.broadcast(S, a[a1 + p]), acc1);\n        }\n        store(acc0, alpha, beta, c, cAt, valid, scratch, row);\n        if (m > 1) store(acc1, alpha, beta, c, cAt + ldc, valid, scratch, row);\n    }\n\n    /** One row of 16 (or {@code valid}) columns of C with the packed path's store formulas. */\n    private static void store(FloatVector acc, float alpha, float beta, float[] c, int at, int valid, float[] scratch, int row) {\n        if (valid == LANES) {\n            FloatVector v = beta == 0f ? acc.mul(alpha) : acc.fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, c, at).mul(beta));\n            v.intoArray(c, at);\n            return;\n        }\n        acc.intoArray(scratch, row);\n        for (int j = 0; j < valid; j++) {\n            c[at + j] = beta == 0f ? scratch[row + j] * alpha : Math.fma(scratch[row + j], alpha, c[at + j] * beta);\n        }\n    }\n}\n"


def gen_few_rows():
    """FewRowsTransposed: B's 16 x 16 blocks through the transposers' zip network, its 16 columns fed to the FMAs."""
    L = 16
    out = []
    w = out.append
    ind = "            "
    for r in range(L):
        w(f"{ind}IntVector r{r} = FloatVector.fromArray(S, b, so{'' if r == 0 else ' + ldb' if r == 1 else f' + {r} * ldb'}).reinterpretAsInts();")
    names = zip_network(w, L, ind)
    w(f"{ind}// column q of the block (B's 16 rows at k = p + q) is the q-th row of the transposed block")
    for q in range(L):
        w(f"{ind}FloatVector q{q} = {names[q]}.reinterpretAsFloats();")
    for q in range(L):
        off = "" if q == 0 else f" + {q}"
        w(f"{ind}acc0 = q{q}.fma(FloatVector.broadcast(S, a[a0 + p{off}]), acc0); acc1 = q{q}.fma(FloatVector.broadcast(S, a[a1 + p{off}]), acc1);")
    return "FewRowsTransposed", FEW_ROWS_TEMPLATE.replace("@@BLOCK@@", "\n".join(out) + "\n")


if __name__ == "__main__":
    name, src = gen_few_rows()
    with open(os.path.join(OUT, name + ".java"), "w") as f:
        f.write(exact_casts.process(src)[0])
    print("wrote", name)


# ---- one row of A times op(B) as it lies, streaming op(B) row by row (docs/decisions.md §2bd) -----------------------
ONE_ROW_TEMPLATE = """package org.vectorgrad.backend.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C = alpha·a·op(B) + beta·C} for one row of C at @@BITS@@ bits (a dense layer's input gradient or a product
 * with weights stored input-major, at batch 1): op(B) is read row by row, four rows at a time, whole rows from their
 * first column to their last, while the row's accumulators live in a scratch row of n floats (L1 for the widths of
 * dense layers). The tiles would stream op(B) in column strips, a few cache lines per row, and compute a whole
 * panel of rows for the one (docs/decisions.md §2bd).
 *
 * <p>Same bits as the packed path: each element is one FMA chain over p ascending from zero within each of the
 * packed path's K blocks ({@link BlockedGemm#kBlocks}), the four rows of a step applied in order, stored after
 * each block with its formulas ({@code alpha·acc} with beta 0, else {@code fma(acc, alpha, beta·C)}, beta 1 after
 * the first block). The last columns, fewer than a vector, are the last lanes of one more vector ending at column n,
 * kept in a register; n is at least a vector. Stateless; the caller supplies the scratch. GENERATED by
 * {@code tools/gen_kernels.py}.
 */
final class OneRow@@BITS@@ {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_@@BITS@@;
    static final int LANES = @@LANES@@;

    private OneRow@@BITS@@() {}

    /**
     * C's row (n floats at cOff) from op(A)'s row (k floats, {@code inc} apart from aOff: 1 for A as it lies, lda for
     * A transposed) and op(B) (k x n, rows ldb apart), K cut into {@code blocks} blocks as the packed path cuts it;
     * {@code acc} holds at least n floats.
     */
    static void gemm(int n, int k, int blocks, float alpha, float[] a, int aOff, int inc, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, float[] acc) {
        for (int kb = 0; kb < blocks; kb++) {
            int p0 = BlockedGemm.kBlockStart(k, kb, blocks), p1 = BlockedGemm.kBlockStart(k, kb + 1, blocks);
            java.util.Arrays.fill(acc, 0, n, 0f);
            block(n, p0, p1, a, aOff, inc, b, bOff, ldb, acc);
            store(n, alpha, kb == 0 ? beta : 1f, acc, c, cOff);
        }
    }

    /** acc[j] = fma(a_p, B[p][j], acc[j]) for p from p0 to p1 - 1 in order. */
    private static void block(int n, int p0, int p1, float[] a, int aOff, int inc, float[] b, int bOff, int ldb, float[] acc) {
        // the last columns past whole vectors: one vector ending at column n kept in a register (its first lanes
        // repeat columns of the last whole vector, the same FMA chains) and written over acc's last vector after
        int whole = n - n % LANES, last = n - LANES, p = p0;
        FloatVector t = FloatVector.zero(S);
        for (; p + 4 <= p1; p += 4) {
            float x0 = a[aOff + p * inc], x1 = a[aOff + (p + 1) * inc], x2 = a[aOff + (p + 2) * inc], x3 = a[aOff + (p + 3) * inc];
            FloatVector v0 = FloatVector.broadcast(S, x0), v1 = FloatVector.broadcast(S, x1);
            FloatVector v2 = FloatVector.broadcast(S, x2), v3 = FloatVector.broadcast(S, x3);
            int r0 = bOff + p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            for (int j = 0; j < whole; j += LANES) {
                FloatVector s = FloatVector.fromArray(S, acc, j);
                s = v0.fma(FloatVector.fromArray(S, b, r0 + j), s);
                s = v1.fma(FloatVector.fromArray(S, b, r1 + j), s);
                s = v2.fma(FloatVector.fromArray(S, b, r2 + j), s);
                s = v3.fma(FloatVector.fromArray(S, b, r3 + j), s);
                s.intoArray(acc, j);
            }
            if (whole < n) {
                t = v0.fma(FloatVector.fromArray(S, b, r0 + last), t);
                t = v1.fma(FloatVector.fromArray(S, b, r1 + last), t);
                t = v2.fma(FloatVector.fromArray(S, b, r2 + last), t);
                t = v3.fma(FloatVector.fromArray(S, b, r3 + last), t);
            }
        }
        for (; p < p1; p++) {
            float x = a[aOff + p * inc];
            FloatVector v = FloatVector.broadcast(S, x);
            int r = bOff + p * ldb;
            for (int j = 0; j < whole; j += LANES) v.fma(FloatVector.fromArray(S, b, r + j), FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
            if (whole < n) t = v.fma(FloatVector.fromArray(S, b, r + last), t);
        }
        if (whole < n) t.intoArray(acc, last);
    }

    /** C's row with the packed path's store formulas. */
    private static void store(int n, float alpha, float beta, float[] acc, float[] c, int cOff) {
        int whole = n - n % LANES, j = 0;
        if (beta == 0f) {
            FloatVector al = FloatVector.broadcast(S, alpha);
            for (; j < whole; j += LANES) FloatVector.fromArray(S, acc, j).mul(al).intoArray(c, cOff + j);
            for (; j < n; j++) c[cOff + j] = acc[j] * alpha;
        } else {
            FloatVector al = FloatVector.broadcast(S, alpha), be = FloatVector.broadcast(S, beta);
            for (; j < whole; j += LANES) {
                FloatVector.fromArray(S, acc, j).fma(al, FloatVector.fromArray(S, c, cOff + j).mul(be)).intoArray(c, cOff + j);
            }
            for (; j < n; j++) c[cOff + j] = Math.fma(acc[j], alpha, c[cOff + j] * beta);
        }
    }
}
"""

ONE_ROW = [512, 256, 128]


def gen_one_row(bits):
    """OneRow{bits}: one row of C, op(B) streamed whole rows at a time, accumulators in a scratch row."""
    return f"OneRow{bits}", ONE_ROW_TEMPLATE.replace("@@BITS@@", str(bits)).replace("@@LANES@@", str(bits // 32))


if __name__ == "__main__":
    for bits in ONE_ROW:
        name, src = gen_one_row(bits)
        with open(os.path.join(OUT, name + ".java"), "w") as f:
            f.write(exact_casts.process(src)[0])
        print("wrote", name)


# ---- NarrowTransposed{bits}: a narrow weight gradient's transpose, Cᵀ = Bᵀ·A, B and A read where they lie ----
# (vectors of C's rows, the tiles' heights in rows of Cᵀ: whole tiles of the first, the last rows in the smallest
# that holds them): 24 accumulators at most in 32 zmm registers, 12 in 16 ymm
NARROW_TRANSPOSED = {512: [(4, (6, 4, 2)), (2, (8, 6, 4, 2)), (1, (8, 6, 4, 2))], 256: [(2, (6, 4, 2)), (1, (8, 6, 4, 2))]}


def narrow_tile(bits, v, r):
    lanes = bits // 32
    out = []
    out.append(f"    /** Rows j0 .. j0 + {r - 1} of Cᵀ (those past n repeat row n - 1 and are not stored), {v} vector(s) of its columns from i. */")
    out.append(f"    private static void r{r}v{v}(int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, int j0, int n, float[] t, int tOff, int ldt) {{")
    out.append("        int last = n - 1;")
    for j in range(r):
        out.append(f"        int o{j} = bOff + " + ("j0" if j == 0 else f"Math.min(j0 + {j}, last)") + ";")
    for q in range(v):
        out.append("        FloatVector " + ", ".join(f"c{q}{j} = FloatVector.zero(S)" for j in range(r)) + ";")
    out.append("        for (int p = 0, ap = aOff, bp = 0; p < k; p++, ap += lda, bp += ldb) {")
    for q in range(v):
        off = "" if q == 0 else f" + {q * lanes}"
        out.append(f"            FloatVector a{q} = FloatVector.fromArray(S, a, ap{off});")
    for j in range(r):
        out.append(f"            FloatVector b{j} = FloatVector.broadcast(S, b[o{j} + bp]);")
        for q in range(v):
            out.append(f"            c{q}{j} = a{q}.fma(b{j}, c{q}{j});")
    out.append("        }")
    out.append(f"        int rows = Math.min({r}, n - j0), at = tOff + j0 * ldt;")
    for j in range(r):
        cond = "" if j == 0 else f"if (rows > {j}) "
        stores = " ".join(f"c{q}{j}.intoArray(t, at + {j} * ldt{'' if q == 0 else f' + {q * lanes}'});" for q in range(v))
        if j == 0:
            out.append(f"        {stores}")
        else:
            out.append(f"        if (rows > {j}) {{ {stores} }}")
    out.append("    }")
    return "\n".join(out)


def gen_narrow_transposed(bits):
    lanes = bits // 32
    levels = NARROW_TRANSPOSED[bits]
    tiles = "\n\n".join(narrow_tile(bits, v, h) for v, hs in levels for h in hs)
    loops = []
    for idx, (v, hs) in enumerate(levels):
        rows = v * lanes
        last = idx == len(levels) - 1
        if not last:
            loops.append(f"        for (; i + {rows} <= m; i += {rows}) rows{v}(k, a, aOff + i, lda, b, bOff, ldb, n, t, tOff + i, ldt);")
        else:
            loops.append(f"        // the rows left by whole vectors, the last one ending at row m (the rows it repeats get the same bits)")
            loops.append(f"        for (; i < m; i += {rows}) {{")
            loops.append(f"            int from = Math.min(i, m - {rows});")
            loops.append(f"            rows{v}(k, a, aOff + from, lda, b, bOff, ldb, n, t, tOff + from, ldt);")
            loops.append("        }")
    sweeps = []
    for v, hs in levels:
        r = hs[0]
        picks = []
        for x, h in enumerate(hs):
            nxt = hs[x + 1] if x + 1 < len(hs) else 0
            cond = f"left > {nxt}" if nxt else "left > 0"
            picks.append(f"{'if' if x == 0 else 'else if'} ({cond}) r{h}v{v}(k, a, aOff, lda, b, bOff, ldb, j0, n, t, tOff, ldt);")
        sweeps.append(f"""    /** Cᵀ's columns i .. i + {v * lanes - 1} (A's at aOff), every row of Cᵀ: tiles of {r} rows, the last rows in the smallest tile that holds them. */
    private static void rows{v}(int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, int n, float[] t, int tOff, int ldt) {{
        int j0 = 0;
        for (; j0 + {r} <= n; j0 += {r}) r{r}v{v}(k, a, aOff, lda, b, bOff, ldb, j0, n, t, tOff, ldt);
        int left = n - j0;
        {chr(10).join(("        " if x else "") + q for x, q in enumerate(picks))}
    }}""")
    src = f"""package org.vectorgrad.backend.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense layer's weight gradient with few inputs, {{@code C = Aᵀ·B}} (m x n, n narrower than a panel; A k x m, B
 * k x n, both as they lie: dY and X), computed as its transpose {{@code Cᵀ = Bᵀ·A}} at {bits} bits with vectors along
 * C's m rows: each step p loads vectors of A's row p and broadcasts B[p][j] for the tile's rows j of Cᵀ, both where
 * they lie, so nothing is copied before the FMAs; the caller transposes Cᵀ into C (docs/decisions.md §2bf). The
 * unpacked tiles would copy Bᵀ (op(A) there) into rows first, and the narrow tiles of C itself fill only n of each
 * vector's lanes.
 *
 * <p>Same bits as the packed path for K within one of its blocks: each element is one FMA chain over p ascending
 * from zero (a·b = b·a exactly), and Cᵀ holds acc itself (the caller scales by alpha). Rows of C past the last whole
 * vector are one more vector ending at row m, whose first lanes repeat rows already computed with the same chains;
 * rows of Cᵀ past n in a tile repeat row n - 1 and are not stored. Needs m ≥ {lanes}. Stateless. GENERATED by
 * {{@code tools/gen_kernels.py}}.
 */
final class NarrowTransposed{bits} {{
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_{bits};
    static final int LANES = {lanes};

    private NarrowTransposed{bits}() {{}}

    /**
     * {{@code t[tOff + j·ldt + i] = Σ_p a[aOff + p·lda + i]·b[bOff + p·ldb + j]}} for i < m, j < n, p ascending from 0
     * to k - 1 (one FMA chain each); m ≥ {{@link #LANES}}, ldt ≥ m.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] t, int tOff, int ldt) {{
        int i = 0;
{chr(10).join(loops)}
    }}

{chr(10).join(chr(10) + x if n else x for n, x in enumerate(sweeps))}

{tiles}
}}
"""
    return f"NarrowTransposed{bits}", src


if __name__ == "__main__":
    for bits in NARROW_TRANSPOSED:
        name, src = gen_narrow_transposed(bits)
        with open(os.path.join(OUT, name + ".java"), "w") as f:
            f.write(exact_casts.process(src)[0])
        print("wrote", name)


# ---- SparseRows{bits}: op(A) with many exact zeros as (column, value) lists per row, times op(B) row-major ----
# Vectors of C's columns per call. 256 bits: the accumulators fill 13 of the 16 ymm registers, a broadcast and a
# loaded vector beside them (13 rather than 12 since the sixty-ninth pass: no spill in C2's loop, fewer calls and
# column blocks, 1.01-1.09x on the MLP's sparse products on AMD Zen 4 under the proxy; 14 spilled, docs/decisions.md
# §2bu). 512 bits: for CPUs that run 512-bit operations as two 256-bit halves (AMD Zen 4, decisions §2bx), 16 of the
# 32 zmm registers, the MLP's widest products (N = 512, 784) in two or four column blocks. On full-width 512-bit units
# (AMD Zen 5) a 512-bit kernel with 8-24 accumulators ran at 0.79-1.19 of the dense kernels on 80 % zeros (§2br), so
# SparseRows.kernelBits gives those CPUs none.
SPARSE_ROWS = {256: 13, 512: 16}


def gen_sparse_rows(bits):
    """SparseRows{bits}: one row of C over a range of its nonzeros, 1..max vectors of columns, accumulators in T."""
    lanes, vmax = bits // 32, SPARSE_ROWS[bits]
    iota = "{" + ", ".join(str(i) for i in range(lanes)) + "}"
    cases = "\n".join(f"            case {v} -> v{v}(first, e0, e1, idx, val, d, dOff, t, tOff);" for v in range(1, vmax + 1))
    methods = []
    for v in range(1, vmax + 1):
        acc = ", ".join(f"c{i}" for i in range(v))
        lines = [f"    private static void v{v}(boolean first, int e0, int e1, int[] idx, float[] val, float[] d, int dOff, float[] t, int tOff) {{",
                 f"        FloatVector {acc};",
                 "        if (first) {",
                 "            " + " ".join(f"c{i} = FloatVector.zero(S);" for i in range(v)),
                 "        } else {"]
        lines += [f"            c{i} = FloatVector.fromArray(S, t, tOff + {i * lanes});" for i in range(v)]
        lines += ["        }",
                  "        for (int e = e0; e < e1; e++) {",
                  "            FloatVector x = FloatVector.broadcast(S, val[e]);",
                  "            int at = dOff + idx[e];"]
        lines += [f"            c{i} = ((FloatVector) VT.cast(FloatVector.fromArray(S, d, at + {i * lanes}))).fma(x, c{i});" for i in range(v)]
        lines += ["        }"]
        lines += [f"        ((FloatVector) VT.cast(c{i})).intoArray(t, tOff + {i * lanes});" for i in range(v)]
        lines += ["    }"]
        methods.append("\n".join(lines))
    src = f"""package org.vectorgrad.backend.vector.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {{@link SparseRowsKernel}} at {bits} bits: one row of C, 1 to {vmax} vectors of its columns, summed over a range of
 * that row's nonzeros of op(A) ({{@link SparseRows}}): per nonzero, its value broadcast and the matching row of op(B)
 * loaded where it lies, one FMA per vector. The accumulators start at zero ({{@code first}}) or from T, and end in T,
 * so a chain continues across calls exactly. The lists hold each nonzero's row offset in op(B), not its column: the
 * loop then adds where a multiply and a reload of ldd stood (C2 spilled ldd and dOff to the stack there; one load of
 * 13 per nonzero, decisions §2br). GENERATED by {{@code tools/gen_kernels.py}}.
 */
final class SparseRows{bits} extends SparseRowsKernel {{
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_{bits};
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_{bits};
    private static final int[] IOTA = {iota};

    SparseRows{bits}() {{ super({lanes}, {vmax}); }}

    /**
     * This width's vector classes, to cast a loaded vector and an accumulator to before calling its methods. The
     * Vector API's intrinsics are inlined late, so while C2 parses a kernel a vector's exact class is unknown and a
     * call such as {{@code fma}} or {{@code intoArray}} is bound from that shared method's type profile; in a JVM
     * whose other kernels use another width (a 512-bit GEMM's 256-bit packing copies; 256-bit sparse kernels in a
     * 512-bit GEMM, tried and not kept) the profile names the other class, and C2 then kept a kernel's vectors boxed:
     * a 64-byte allocation per FMA, the products 2-9x slower in 2 to 3 JVMs of 4 (decisions §2bv). The casts fix the
     * class where C2 parses; the checks fold away once the intrinsics are in (the 256-bit 13-vector loop: 47
     * instructions, 50 without).
     */
    private static final Class<? extends Vector<Float>> VT = S.vectorType();
    private static final Class<? extends Vector<Integer>> IT = I.vectorType();

    @Override
    void accumulate(int vectors, boolean first, int e0, int e1, int[] idx, float[] val, float[] d, int dOff, float[] t, int tOff) {{
        switch (vectors) {{
{cases}
            default -> throw new IllegalArgumentException("vectors must be 1 to {vmax}, got " + vectors);
        }}
    }}

    @Override
    int lists(float[] a, int aOff, int lda, int m, int k, int ldd, int[] rowStart, int[] idx, float[] val) {{
        int whole = k - k % {lanes}, e = 0;
        IntVector offsets = ((IntVector) IT.cast(IntVector.fromArray(I, IOTA, 0))).mul(ldd); // lane l: l·ldd
        for (int i = 0; i < m; i++) {{
            int at = aOff + i * lda;
            rowStart[i] = e;
            for (int p = 0; p < whole; p += {lanes}) {{
                // the nonzero lanes packed to the front and stored whole (the caller leaves {lanes} slots of room past
                // the last nonzero): 26 against 96 µs per 64 K elements for a branch-free store of every lane, whose
                // next slot hangs on the last one's bit
                FloatVector v = (FloatVector) VT.cast(FloatVector.fromArray(S, a, at + p));
                VectorMask<Float> nonzero = v.compare(VectorOperators.NE, 0f);
                v.compress(nonzero).intoArray(val, e);
                ((IntVector) IT.cast(offsets)).add(p * ldd).compress(nonzero.cast(I)).intoArray(idx, e);
                e += nonzero.trueCount();
            }}
            for (int q = whole; q < k; q++) {{
                if (a[at + q] != 0f) {{
                    idx[e] = q * ldd;
                    val[e++] = a[at + q];
                }}
            }}
        }}
        rowStart[m] = e;
        return e;
    }}

    @Override
    void store(int width, boolean scaleOnly, float alpha, float beta, float[] t, int tOff, float[] c, int cOff) {{
        FloatVector al = FloatVector.broadcast(S, alpha);
        for (int j = 0; j < width; j += {lanes}) {{
            FloatVector acc = (FloatVector) VT.cast(FloatVector.fromArray(S, t, tOff + j));
            FloatVector r = scaleOnly ? acc.mul(al) : acc.fma(al, ((FloatVector) VT.cast(FloatVector.fromArray(S, c, cOff + j))).mul(beta));
            ((FloatVector) VT.cast(r)).intoArray(c, cOff + j);
        }}
    }}

{chr(10).join(chr(10) + x if i else x for i, x in enumerate(methods))}
}}
"""
    return f"SparseRows{bits}", src


if __name__ == "__main__":
    for bits in SPARSE_ROWS:
        name, src = gen_sparse_rows(bits)
        with open(os.path.join(OUT, name + ".java"), "w") as f:
            f.write(exact_casts.process(src)[0])
        print("wrote", name)


# ---- checksums: GeneratedKernelsTest fails when a generated file no longer matches what this script wrote ----
MANIFEST = "tools/gen_kernels.sha256"

if __name__ == "__main__":
    names = [gen(b, m, u, *nv)[0] for b, m, u, *nv in SHAPES] + [stripped_name(b, m) for b, m, _ in STRIPPED] + [gen_transpose(b, m, *x)[0] for b, m, *x in TRANSPOSES] + [gen_unpacked(*u)[0] for u in UNPACKED] + [gen_few_rows()[0]] + [gen_one_row(b)[0] for b in ONE_ROW] + [gen_narrow_transposed(b)[0] for b in NARROW_TRANSPOSED] + [gen_sparse_rows(b)[0] for b in SPARSE_ROWS]
    with open(MANIFEST, "w") as f:
        for name in sorted(names):
            path = os.path.join(OUT, name + ".java")
            with open(path, "rb") as src:
                f.write(f"{hashlib.sha256(src.read()).hexdigest()}  {path}\n")
    print("wrote", MANIFEST)
