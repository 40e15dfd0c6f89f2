// Spec §9 hazard: GNU long-name ('L') and long-link ('K') entries are capped at 1 MiB, as Go
// does; tar-stream buffered them without limit.
//
// The cases are in tar-hazard-table.ts; tar-hazard-drivers.ts runs them through the native walker
// (a layer pushed in chunks and read at offsets, an outer archive read at offsets and streamed).

import { runTarHazard } from './tar-hazard-drivers.js';

runTarHazard('PAX and GNU long-name headers capped (1 MiB, as Go does)', (c) => c.name.startsWith('GNU:'));
