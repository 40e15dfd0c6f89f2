// page-size (spec §5): an arm64 ELF file whose PT_LOAD segments are aligned below 16 KiB cannot
// be mapped by a kernel with 16K pages (Apple silicon Linux VMs, some Android and Asahi kernels)
// or 64K pages (RHEL/Ampere arm64 servers). Debian and Go align to 64 KiB; old NDKs and some
// hand-set linker flags use 4 KiB. A warning: most arm64 hosts still use 4K pages.

import type { Finding } from '../model.js';
import { describeFacts, formatPlatform, judge } from '../platform.js';
import type { RuleContext } from './context.js';

const EM_AARCH64 = 183;
const MIN_ALIGN = 16 * 1024;

export function pageSize(ctx: RuleContext): Finding[] {
  const expected = ctx.expected;
  if (!expected || expected.arch !== 'arm64') return [];
  const findings: Finding[] = [];
  for (const file of ctx.tree.files()) {
    const f = file.facts;
    if (!f || f.format !== 'elf' || f.machine !== EM_AARCH64 || f.loadAlign == null) continue;
    if (f.kind !== 'executable' && f.kind !== 'shared-library') continue;
    if (judge(f, expected).kind !== 'match' || f.loadAlign >= MIN_ALIGN) continue;
    findings.push({
      severity: 'warning',
      rule: 'page-size',
      path: file.path,
      layer: ctx.layerDigest(file.layer),
      found: f.platform,
      expected: formatPlatform(expected),
      message: `${describeFacts(f)} with LOAD segments aligned to ${f.loadAlign / 1024} KiB: it will not load on 16K- or 64K-page kernels; link with -Wl,-z,max-page-size=65536`,
    });
  }
  return findings;
}
