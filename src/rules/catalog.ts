// Every rule of spec §5 once: its id, default severity and a one-line description. Reports
// (SARIF's rule list) and docs read it; the rules themselves decide per finding.

import type { RuleId, Severity } from '../model.js';

export interface RuleInfo {
  id: RuleId;
  severity: Severity;
  summary: string;
}

export const RULE_CATALOG: readonly RuleInfo[] = [
  { id: 'platform-mismatch', severity: 'error', summary: "The image's declared platform is not the expected one." },
  { id: 'arch-mismatch', severity: 'error', summary: "A binary's CPU is not the expected platform's (warning for relocatable objects)." },
  { id: 'abi-mismatch', severity: 'error', summary: 'Same CPU, but the wrong word size, byte order or float ABI.' },
  { id: 'compat-32bit', severity: 'warning', summary: 'A 32-bit binary that runs only where the host keeps 32-bit support.' },
  { id: 'foreign-format', severity: 'error', summary: 'A Mach-O or PE file in a Linux image (info unless executable or a .node addon).' },
  { id: 'variant-mismatch', severity: 'error', summary: 'Code for a newer CPU variant than the image targets (warning for x86-64 ISA levels).' },
  { id: 'missing-interpreter', severity: 'error', summary: "The ELF interpreter (dynamic loader) is not in the image." },
  { id: 'missing-library', severity: 'error', summary: 'A needed shared library is found nowhere on the loader search path.' },
  { id: 'page-size', severity: 'warning', summary: 'An arm64 binary aligned below 16 KiB will not load on 16K- or 64K-page kernels.' },
  { id: 'entrypoint-missing', severity: 'error', summary: "The image's entrypoint is not in the image." },
  { id: 'entrypoint-mismatch', severity: 'error', summary: 'The entrypoint binary, or its script interpreter, is foreign.' },
  { id: 'mislabeled-image', severity: 'error', summary: "The declared platform disagrees with most of the image's binaries." },
  { id: 'missing-platform', severity: 'error', summary: 'An image index lacks a required platform.' },
  { id: 'by-design', severity: 'info', summary: 'A foreign binary that belongs there (firmware, GPU code, sysroots, ignored paths).' },
  { id: 'unreadable-binary', severity: 'info', summary: 'A binary whose headers cannot be parsed; it was not checked.' },
];
