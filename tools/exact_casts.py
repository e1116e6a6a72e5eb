#!/usr/bin/env python3
"""Casts the vectors a kernel makes to their species' exact vector class (decisions §2bv, §2bw).

C2 inlines the Vector API's intrinsics late. While it parses a kernel, a vector made by FloatVector.fromArray, zero
or broadcast has the static type FloatVector, so a call on it (fma, whose lanewise is abstract; intoArray) is bound
from the type profile of that shared FloatVector method. In a JVM that runs kernels of two widths (a 512-bit GEMM
with 256-bit copies in its packing, 128-bit shape changes in its transposes) those profiles name both classes, and
C2 then keeps some kernels' vectors boxed: their Java fallbacks allocate per operation. A cast to the species'
vector class, `(FloatVector) VT.cast(FloatVector.fromArray(S, a, i))` with `VT = S.vectorType()`, is parsed at once,
so the receiver's class is exact where the calls are bound; the check folds away once the intrinsics are in.

This tool rewrites Java sources in place. It wraps in such a cast:
- every FloatVector/IntVector/DoubleVector .fromArray/.zero/.broadcast whose species is a simple name (a static final
  field, or one imported from Lanes), unless the vector is only an argument of another call with nothing called on
  it (the callee's intrinsic takes it by the callee's own class; those casts only grew C2's graph, and in one JVM a
  large tile then kept its last stores as calls to the Java fallbacks);
- every .reinterpretAsInts/.reinterpretAsFloats/.reinterpretShape/.convertShape/.convert(I2F) (to the class of the
  target species; the int species of a class without one is its float species' withLanes(int.class));
- every mask from SPECIES.indexInRange or VectorMask.fromLong, to `SM = S.maskType()`.
Each class gets the constants it needs after its last line that declares a VectorSpecies (or after its opening
brace). Expressions already cast are left alone, so the tool is idempotent. tools/gen_kernels.py runs it on every
kernel it writes; ExactVectorClassTest fails on a kernel that lacks a cast.

    python3 tools/exact_casts.py FILE.java...     (rewrites the files; prints how many casts each got)
"""
import re
import sys

CALL = re.compile(r"\b(Float|Int|Double)Vector\.(fromArray|zero|broadcast)\(")
ELEMENT = {"Float": "Float", "Int": "Integer", "Double": "Double"}


def class_constant(species):
    """The constant holding a species' vector class: VT for S (as SparseRows256 named it first), else name + T."""
    return "VT" if species == "S" else species + "T"


def code_mask(src):
    """True for each character of src that is code, False inside comments, strings and char literals."""
    mask = [True] * len(src)
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j += 1
        else:
            i += 1
            continue
        for k in range(i, min(j, n)):
            mask[k] = False
        i = j
    return mask


def close_paren(src, open_at):
    """Index of the parenthesis closing the one at open_at."""
    depth = 0
    for i in range(open_at, len(src)):
        if src[i] == "(":
            depth += 1
        elif src[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced parentheses from offset %d" % open_at)


def first_argument(src, open_at):
    depth = 0
    for i in range(open_at + 1, len(src)):
        if src[i] in "([{":
            depth += 1
        elif src[i] in ")]}":
            if depth == 0:
                return src[open_at + 1:i].strip()
            depth -= 1
        elif src[i] == "," and depth == 0:
            return src[open_at + 1:i].strip()
    raise ValueError("no argument list end from offset %d" % open_at)


def species_elements(src):
    """{species name: element type} for the VectorSpecies fields a source declares, and Lanes' F and D."""
    elements = {"F": "Float", "D": "Double"}
    for m in re.finditer(r"VectorSpecies<(Float|Integer|Double)>\s+([^;]*);", src):
        for name in re.findall(r"(?:^|,)\s*([A-Z][A-Z0-9_]*)\s*=", m.group(2)):
            elements[name] = m.group(1)
    return elements


VECTOR_OF = {"Float": "FloatVector", "Integer": "IntVector", "Double": "DoubleVector"}
MASK = re.compile(r"(?<![.\w])(?:([A-Z][A-Z0-9_]*)\.indexInRange\(|(?:jdk\.incubator\.vector\.)?VectorMask\.fromLong\(([A-Z][A-Z0-9_]*),)")


def mask_constant(species):
    """The constant holding a species' mask class: SM for S, FM for F, and so on."""
    return species + "M"
POSTFIX = re.compile(r"\.(reinterpretAsInts|reinterpretAsFloats|reinterpretShape|convertShape|convert)\(")


def receiver_start(src, dot):
    """Start of the primary expression (names, calls, indexing, parentheses) whose member access is at dot."""
    i = dot
    while True:
        j = i - 1
        while j >= 0 and src[j] in " \t\n":
            j -= 1
        if src[j] in ")]":
            depth, close = 0, src[j]
            opener = "(" if close == ")" else "["
            while True:
                if src[j] == close:
                    depth += 1
                elif src[j] == opener:
                    depth -= 1
                    if depth == 0:
                        break
                j -= 1
            i = j
            k = j - 1
            if k >= 0 and (src[k].isalnum() or src[k] == "_"):
                continue                               # a call or an index: its name comes next
            return i
        if src[j].isalnum() or src[j] == "_":
            while j >= 0 and (src[j].isalnum() or src[j] == "_"):
                j -= 1
            i = j + 1
            k = j
            while k >= 0 and src[k] in " \t\n":
                k -= 1
            if k >= 0 and src[k] == ".":
                i = k
                continue                               # a chain: keep walking left
            return i
        return i


def postfix_result(src, m, elements, main_float, int_species):
    """(species whose class the conversion at m returns, its element type), or None."""
    op = m.group(1)
    if op == "reinterpretAsInts":
        return int_species, "Integer"
    if op == "reinterpretAsFloats":
        return main_float, "Float"
    if op == "convert":
        return (main_float, "Float") if src.startswith("VectorOperators.I2F", m.end()) else None
    args = src[m.end():m.end() + 80].split(",")
    target = (args[0] if op == "reinterpretShape" else args[1] if len(args) > 1 else "").strip()
    return (target, elements[target]) if target in elements else None


def rewrite(src):
    """Returns (new source, number of casts added, {species: element type} needing constants)."""
    mask = code_mask(src)
    elements = species_elements(src)
    main_float = "S" if elements.get("S") == "Float" else "F"
    int_species = "I" if elements.get("I") == "Integer" else None
    edits, needed = [], {}
    for m in CALL.finditer(src):
        if not mask[m.start()]:
            continue
        prefix = src[max(0, m.start() - 40):m.start()]
        if re.search(r"\w+\.cast\($", prefix):
            continue                                   # already cast
        open_at = m.end() - 1
        species = first_argument(src, open_at)
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", species):
            continue                                   # a parameter or an expression: no constant class to cast to
        end = close_paren(src, open_at)
        kind = m.group(1)
        chained = src[end + 1:].lstrip().startswith(".")  # a call on the result needs the cast in parentheses
        if not chained and src[:m.start()].rstrip()[-1:] in "(,":
            continue                                   # an argument, never a receiver: its class is the callee's concern
        needed[species] = ELEMENT[kind]
        head = "%s(%sVector) %s.cast(" % ("(" if chained else "", kind, class_constant(species))
        edits.append((m.start(), end + 1, head, "))" if chained else ")"))
    for m in MASK.finditer(src):
        if not mask[m.start()]:
            continue
        species = m.group(1) or m.group(2)
        if species not in elements or re.search(r"\w+\.cast\($", src[max(0, m.start() - 40):m.start()]):
            continue
        end = close_paren(src, src.index("(", m.start()))
        needed[species + "/mask"] = elements[species]
        chained = src[end + 1:].lstrip().startswith(".")
        head = "%s(VectorMask<%s>) %s.cast(" % ("(" if chained else "", elements[species], mask_constant(species))
        edits.append((m.start(), end + 1, head, "))" if chained else ")"))
    edits.sort(key=lambda e: e[0])
    src, calls = apply(src, edits), len(edits)
    # conversions second, over the rewritten text, so that a conversion of a fresh load wraps the cast load
    mask, edits = code_mask(src), []
    for m in POSTFIX.finditer(src):
        if not mask[m.start()]:
            continue
        result = postfix_result(src, m, elements, main_float, int_species)
        if result is None:
            continue
        species, element = result
        if species is None:                            # reinterpretAsInts with no int species declared: name one
            species = "I"
            int_species = "I"
        start = receiver_start(src, m.start())
        end = close_paren(src, m.end() - 1)
        prefix = src[max(0, start - 60):start]
        if re.search(r"\w+\.cast\($", prefix):
            continue                                   # already cast
        needed[species] = element
        static_cast = re.search(r"\((Float|Int|Double)Vector\)\s*$", prefix)
        if static_cast:                                # (FloatVector) x.reinterpretShape(Q, 0): make that cast exact
            edits.append((start, end + 1, "%s.cast(" % class_constant(species), ")"))
            continue
        chained = src[end + 1:].lstrip().startswith(".")
        head = "%s(%s) %s.cast(" % ("(" if chained else "", VECTOR_OF[element], class_constant(species))
        edits.append((start, end + 1, head, "))" if chained else ")"))
    edits.sort(key=lambda e: (e[0], e[1]))
    kept = [e for i, e in enumerate(edits) if not any(f[0] < e[1] and e[0] < f[1] and (f[1] - f[0]) < (e[1] - e[0]) for f in edits)]
    src = apply(src, kept)
    if len(kept) < len(edits):                         # a chain of conversions: the outer ones on the next pass
        src, more, also = rewrite(src)
        needed.update(also)
        return src, calls + len(kept) + more, needed
    return src, calls + len(kept), needed


def apply(src, edits):
    out, last = [], 0
    for start, end, head, tail in edits:
        out.append(src[last:start])
        out.append(head + src[start:end] + tail)
        last = end
    out.append(src[last:])
    return "".join(out)


def add_constants(src, needed):
    lines = src.split("\n")
    masks = [s[:-5] for s in sorted(needed) if s.endswith("/mask")]
    needed = {s: e for s, e in needed.items() if not s.endswith("/mask")}
    decl = ["    private static final Class<? extends VectorMask<%s>> %s = %s.maskType();" % (species_elements(src)[s], mask_constant(s), s)
            for s in masks if not re.search(r"\b%s\s*=\s*%s\.maskType\(\)" % (mask_constant(s), s), src)]
    missing = [s for s in sorted(needed) if not re.search(r"\b%s\s*=\s*%s\.vectorType\(\)" % (class_constant(s), s), src)]
    if not missing and not decl:
        return src
    declared = species_elements(src)
    decl += ["    private static final Class<? extends Vector<%s>> %s = %s.vectorType();" % (
                needed[s], class_constant(s),
                s if s in declared else "%s.withLanes(int.class)" % ("S" if declared.get("S") == "Float" else "F"))
            for s in missing]
    at = None
    for i, line in enumerate(lines):
        if re.match(r"\s*(private |public |protected )?(static )?final VectorSpecies<", line) and re.search(r";\s*(//.*)?$", line):
            at = i + 1                                 # after the last species: static fields initialize in order
    if at is None:
        for i, line in enumerate(lines):
            if re.match(r"(public |abstract |final )*(class|interface|enum) \w", line):
                at = i
                while not lines[at].rstrip().endswith("{"):
                    at += 1
                at += 1
                break
    lines[at:at] = decl
    src = "\n".join(lines)
    for cls in (["Vector"] if missing else []) + (["VectorMask"] if masks else []):
        if re.search(r"^import jdk\.incubator\.vector\.(%s|\*);" % cls, src, re.M):
            continue
        src = re.sub(r"^(import jdk\.incubator\.vector\.)", r"import jdk.incubator.vector.%s;\n\1" % cls, src, count=1, flags=re.M)
        # keep imports sorted
        block = re.search(r"(^import jdk\.incubator\.vector\.[^\n]*\n)+", src, re.M)
        sorted_block = "".join(sorted(set(block.group(0).splitlines(True))))
        src = src[:block.start()] + sorted_block + src[block.end():]
    return src


def process(src):
    out, count, needed = rewrite(src)
    return add_constants(out, needed), count


def main(paths):
    for path in paths:
        with open(path) as f:
            src = f.read()
        out, count = process(src)
        if out != src:
            with open(path, "w") as f:
                f.write(out)
        print("%5d %s" % (count, path))


if __name__ == "__main__":
    main(sys.argv[1:])
