// Spec §9 hazard: entries of 8 GiB or more. Their size does not fit the 11 octal digits of the
// ustar size field, so GNU tar writes it in base-256 (high bit set) and PAX writers use a 'size'
// record. 8 GiB cannot be written in a test, so the header is built by hand and each reader is
// shown to take the size and then read that many body bytes as body, not as headers.
//
// The cases are in tar-hazard-table.ts; tar-hazard-drivers.ts runs them through the native walker
// (a layer pushed in chunks and read at offsets, an outer archive read at offsets and streamed).

import { runTarHazard } from './tar-hazard-drivers.js';

runTarHazard('base-256 sizes over 8 GiB');
