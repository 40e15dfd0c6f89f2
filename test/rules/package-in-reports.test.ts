// `package` on findings (spec §5.1) reaches every report: the JSON has the field, the human
// report shows it beside the path, SARIF carries it in the result's properties (valid against
// the SARIF 2.1.0 schema). From a real scan of an image whose foreign file dpkg lists.

import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { formatHuman } from '../../src/report/human.js';
import { sarifLog } from '../../src/report/sarif.js';
import { writeArchive } from '../helpers/image-builder.js';
import { sarifErrors } from '../report/sarif-schema.js';
import { at, dpkgDatabase, glibcArm64, link } from './helpers.js';

async function scanned() {
  // An amd64 package in an arm64 image without the arm64 loader: part of a foreign userland.
  const db = dpkgDatabase([{ name: 'coreutils', version: '9.1-1', arch: 'amd64', files: ['/bin/ls'] }]);
  const files = [link('/bin', 'usr/bin'), ...db, at('/usr/bin/ls', 'amd64/hello')];
  return scan(writeArchive({ platform: 'linux/arm64', layers: [files] }, 'docker-25'));
}

describe('the package a finding names', () => {
  it('is in the JSON, the human report and SARIF', async () => {
    const report = await scanned();
    const f = report.images[0]!.findings.find((x) => x.path === '/usr/bin/ls')!;
    expect([f.rule, f.package]).toEqual(['arch-mismatch', { ecosystem: 'deb', name: 'coreutils', version: '9.1-1', arch: 'amd64' }]);
    expect(formatHuman(report, { color: false, quiet: false, seconds: 0 })).toContain('/usr/bin/ls  [deb coreutils 9.1-1 (amd64)]');
    const log = sarifLog(report);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results.find((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'usr/bin/ls')?.properties.package).toEqual(f.package);
  });
  it('is absent where no package owns the file', async () => {
    const files = [...glibcArm64, at('/opt/x/tool', 'amd64/hello')];
    const report = await scan(writeArchive({ platform: 'linux/arm64', layers: [files] }, 'docker-25'));
    const f = report.images[0]!.findings.find((x) => x.path === '/opt/x/tool')!;
    expect(f.package).toBeUndefined();
    expect(formatHuman(report, { color: false, quiet: false, seconds: 0 })).not.toContain('[deb');
    expect(sarifLog(report).runs[0].results[0]!.properties).not.toHaveProperty('package');
  });
});
