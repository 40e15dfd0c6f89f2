// Spec §9 hazard: PAX extended headers are capped at 1 MiB (as Go's archive/tar does), so a
// hostile layer cannot make the reader buffer gigabytes of "header". tar-stream had no cap.
//
// The cases are in tar-hazard-table.ts; tar-hazard-drivers.ts runs them through the native walker
// (a layer pushed in chunks and read at offsets, an outer archive read at offsets and streamed).

import { runTarHazard } from './tar-hazard-drivers.js';

runTarHazard('PAX and GNU long-name headers capped (1 MiB, as Go does)', (c) => c.name.startsWith('PAX:'));
