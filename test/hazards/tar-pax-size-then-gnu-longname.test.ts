// Spec §9 hazard: a PAX 'size' record followed by a GNU long-name entry. The size belongs to the
// real entry after the 'L' entry, not to the 'L' body; applying it to the 'L' body (as one
// well-known reader did) desynchronizes everything after it.
//
// The cases are in tar-hazard-table.ts; tar-hazard-drivers.ts runs them through the native walker
// (a layer pushed in chunks and read at offsets, an outer archive read at offsets and streamed).

import { runTarHazard } from './tar-hazard-drivers.js';

runTarHazard('a PAX size followed by a GNU long-name entry parsed without desynchronizing');
