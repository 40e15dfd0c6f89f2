// layerIndex rebuilds the addon's facts as fixed-shape objects (a Node-API object of more than a
// dozen properties is a hash table in V8): the copy must hold exactly what the addon said — no
// fact dropped, none added — for ELF files, Mach-O (fat, with its slices) and PE alike.

import { describe, expect, it } from 'vitest';
import { layerIndex } from '../../src/layers/layer-index.js';
import type { BinaryFacts, Classification } from '../../src/model.js';
import { layerScan } from '../../src/native.js';
import { fixture } from '../helpers/image-builder.js';
import { buildTar } from '../helpers/tar-builder.js';

const NAMES = ['arm64/hello', 'amd64/libhello.so', 'armhf/hello', 'macho/fat', 'macho/arm64', 'pe/amd64.exe'];

describe('layerIndex', () => {
  it("keeps every fact of the addon's answer, and only those", () => {
    const h = layerScan.start();
    layerScan.push(h, buildTar(NAMES.map((name) => ({ name: `bin/${name}`, body: fixture(name), mode: 0o755 }))));
    const records = layerScan.end(h);
    // As the addon made them, before layerIndex replaces them (structuredClone keeps a key whose value is undefined).
    const said = structuredClone(records.extras.filter((x): x is Classification & { facts: BinaryFacts } => !Buffer.isBuffer(x) && typeof x !== 'string' && x.status === 'binary').map((c) => c.facts));
    const entries = [...layerIndex(null, records, 0).entries];
    expect(entries.map((e) => e.path)).toEqual(NAMES.map((n) => `/bin/${n}`));
    expect(said).toHaveLength(NAMES.length);
    // toStrictEqual: a key present with undefined is not the same as a key absent.
    for (const [i, name] of NAMES.entries()) expect({ name, facts: entries[i]!.facts }).toStrictEqual({ name, facts: said[i] });
    expect(said[3]!.slices.length).toBeGreaterThan(1);
    expect(said[0]!.needed).toBeDefined();
    expect('needed' in said[5]!).toBe(false);
  });
});
