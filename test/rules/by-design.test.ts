// Foreign code that needs no package database to be by design — GPU, accelerator and BPF code
// objects — next to the look-alike that is a real CPU's code and must be reported; and the path
// patterns spec §5.1 retired: a file no package owns is judged in full wherever it sits.

import { describe, expect, it } from 'vitest';
import { at, glibcAmd64, report, rows } from './helpers.js';

/** A minimal ELF64 little-endian shared object for a machine no fixture has (GPU code objects). */
function deviceElf(machine: number, osabi = 0): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2;
  b[5] = 1;
  b[6] = 1;
  b[7] = osabi;
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(64, 58);
  return b;
}

describe('code for no host CPU', () => {
  it('BPF objects are by-design info', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/usr/lib/bpf/prog.o', 'bpf/prog.o')]] })).toEqual([['info', 'by-design', '/usr/lib/bpf/prog.o']]);
  });
  it.each([
    ['AMD GPU (EM_AMDGPU, HSA osabi)', 224, 64],
    ['NVIDIA CUDA (EM_CUDA)', 190, 0],
    ['Intel GPU (EM_INTELGT)', 205, 0],
  ])('%s is by-design info', async (_, machine, osabi) => {
    const img = await report({ platform: 'linux/amd64', layers: [[{ path: '/opt/rocm/lib/kernels.co', body: deviceElf(machine, osabi) }]] });
    expect(img.findings.map((f) => [f.severity, f.rule])).toEqual([['info', 'by-design']]);
    expect(img.findings[0]!.message).toMatch(/runs on a device or in the kernel/);
  });
  it('a real CPU without an OCI platform (SPARC) is still an arch-mismatch', async () => {
    const sparc = deviceElf(43);
    sparc[5] = 2; // big-endian header…
    sparc.writeUInt16BE(3, 16);
    sparc.writeUInt16BE(43, 18);
    sparc.writeUInt32BE(1, 20);
    sparc.writeUInt16BE(64, 52);
    sparc.writeUInt16BE(56, 54);
    sparc.writeUInt16BE(64, 58);
    const got = await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [{ path: '/opt/x/lib.so', body: sparc }]] });
    expect(got.map((r) => r[1])).toEqual(['arch-mismatch']);
  });
});

describe('no path pattern excuses a file no package owns (spec §5.1)', () => {
  it.each([
    ['a firmware folder', '/usr/lib/firmware/dev/fw.elf', 'arm64/libhello.so'],
    ['a cross sysroot', '/usr/aarch64-linux-gnu/lib/libc.so.6', 'arm64/libhello.so'],
    ['a multiarch folder', '/usr/lib/aarch64-linux-gnu/libc.so.6', 'arm64/libhello.so'],
    ['rustlib', '/root/.rustup/t/lib/rustlib/aarch64-unknown-linux-gnu/lib/libstd.so', 'arm64/libhello.so'],
  ])('%s: a copied-in foreign file is an error', async (_, path, fixture) => {
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at(path, fixture)]] })).toEqual([['error', 'arch-mismatch', path]]);
  });
});
