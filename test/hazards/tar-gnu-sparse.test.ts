// Spec §9 hazard: GNU sparse entries. Their stored data is shorter than the file; the map that
// says where the data goes sits in the header and extension blocks (old GNU 'S'), in PAX records
// (0.0, 0.1) or at the start of the body (1.0). A reader that gets this wrong desynchronizes.
// The body handed out is the stored data; the size reported is the file's real size.
//
// The cases are in tar-hazard-table.ts; tar-hazard-drivers.ts runs them through the native walker
// (a layer pushed in chunks and read at offsets, an outer archive read at offsets and streamed).

import { runTarHazard } from './tar-hazard-drivers.js';

runTarHazard('GNU sparse entries');
