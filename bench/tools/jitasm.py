#!/usr/bin/env python3
"""C2's machine code of a method without hsdis: -XX:+PrintAssembly falls back to a hex dump ("abstract
disassembly"); this script turns the dump of every C2 (tier 4, non-OSR) compile of METHOD into objdump's
disassembly and, per loop (a backward branch), counts vector FMAs, loads, stack (spill/fill) accesses and the rest.

  java -XX:UseAVX=2 --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=quiet \\
       -XX:CompileCommand=print,*Kernel256x6::run ...warm-up main... > asm.txt
  python3 bench/tools/jitasm.py asm.txt Kernel256x6::run [--dump]

Needs binutils' objdump (x86-64). docs/decisions.md §2b has what it showed.

With --samples IPS (one hexadecimal instruction address per line, e.g. from a timer-based `perf record -e cpu-clock`
of that same JVM, then `perf script -F ip`), it prints each compile's share of the samples and, with --dump, every
instruction with its sample count: where in the C2 code the time goes on a VM without hardware counters
(docs/benchmarks-log.md, sixteenth pass):

  java ... -XX:CompileCommand=print,*Unpacked512*::tile ... > asm.txt &   perf record -e cpu-clock -F 20000 -p PID
  perf script -F ip > ips.txt;  python3 bench/tools/jitasm.py asm.txt 'Unpacked512$V3::tile' --samples ips.txt [--dump]
"""
import collections
import re
import subprocess
import sys
import tempfile


def blocks(lines, method):
    out, cur = [], None
    for line in lines:
        if line.startswith('Compiled method'):
            cur = {'hdr': line, 'lines': []} if '(c2)' in line and method in line and ' % ' not in line else None
            if cur:
                out.append(cur)
        elif cur is not None:
            cur['lines'].append(line)
    return out


def disassemble(block):
    start, data, inside = None, bytearray(), False
    for line in block['lines']:
        if '[Instructions begin]' in line or ('[Verified Entry Point]' in line and not data):  # static methods have no [Instructions begin]
            inside = True
            continue
        if '[Stub Code]' in line or '[Exception Handler]' in line or '[/MachCode]' in line:
            break
        if not inside:
            continue
        m = re.match(r'\s*0x([0-9a-f]+): ([0-9a-f| ]+)$', line)
        if m and ';' not in line:
            addr = int(m.group(1), 16)
            if start is None:
                start = addr
            if addr - start != len(data):
                data.extend(b'\x90' * (addr - start - len(data)))
            data.extend(bytes.fromhex(m.group(2).replace('|', '').replace(' ', '')))
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(data)
        f.flush()
        text = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '--adjust-vma=' + hex(start), f.name],
                              capture_output=True, text=True, check=True).stdout
    ins = []
    for l in text.split('\n'):
        m = re.match(r'\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(.*)$', l)
        if m:
            ins.append((int(m.group(1), 16), m.group(2).strip()))
    return start, ins


def profile(path, method, samples, dump):
    counts = collections.Counter(int(line, 16) for line in open(samples).read().split() if line)
    total = sum(counts.values())
    for b in blocks(open(path).read().split('\n'), method):
        start, ins = disassemble(b)
        end = ins[-1][0] + 16 if ins else start
        n = sum(v for a, v in counts.items() if start <= a < end)
        print(f"{b['hdr'].strip()}: {n} of {total} samples ({100.0 * n / max(total, 1):.1f} %)")
        if dump and n:
            for a, t in ins:
                print(f"{counts.get(a, 0):7d}  {a:x}  {t}")


def main():
    path, method = sys.argv[1], sys.argv[2]
    dump = '--dump' in sys.argv
    if '--samples' in sys.argv:
        profile(path, method, sys.argv[sys.argv.index('--samples') + 1], dump)
        return
    for b in blocks(open(path).read().split('\n'), method):
        start, ins = disassemble(b)
        print(b['hdr'])
        for a, t in ins:
            m = re.match(r'j\w+\s+0x([0-9a-f]+)', t)
            if not m or not (start <= int(m.group(1), 16) < a):
                continue
            body = [x for x in ins if int(m.group(1), 16) <= x[0] <= a]
            fma = sum('vfmadd' in x[1] for x in body)
            if fma == 0:
                continue
            spill = sum('rsp' in x[1] and ('ymm' in x[1] or 'zmm' in x[1] or 'xmm' in x[1]) for x in body)
            loads = sum(('vbroadcast' in x[1] or 'vmovups' in x[1] or 'vmovdqu' in x[1]) and '(%r' in x[1] and 'rsp' not in x[1]
                        for x in body)
            print(f"  loop of {len(body)} instructions: {fma} FMA, {loads} loads, {spill} stack spill/fill, {len(body) - fma - loads - spill} other")
            if dump:
                print('\n'.join('    ' + x[1] for x in body))


if __name__ == '__main__':
    main()
