// Spec §9 hazard: a truncated final block. Many writers stop after one zero block or cut the
// end-of-archive marker short, and `umoci insert` even stops right after the last body, without
// its padding; all of that is fine (every byte of every entry is there). Data that stops inside a
// header or a body is a truncated archive and must not be reported as a complete scan.
//
// The cases are in tar-hazard-table.ts; tar-hazard-drivers.ts runs them through the native walker
// (a layer pushed in chunks and read at offsets, an outer archive read at offsets and streamed).

import { runTarHazard } from './tar-hazard-drivers.js';

runTarHazard('a truncated final block');
