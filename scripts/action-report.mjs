// Step 2 of action.yml, second half: reads the SARIF report action-run.sh had elfscan write and
// shows it where a GitHub job shows things — log lines, annotations for the first findings, a
// table in the job summary — and writes the counts as step outputs. Usage: node action-report.mjs <sarif>

import { appendFileSync, readFileSync } from 'node:fs';

const MAX_ANNOTATIONS = 10; // GitHub shows at most 10 error and 10 warning annotations per step
const MAX_ROWS = 50;

const log = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const run = log.runs?.[0];
if (!run) throw new Error(`${process.argv[2]}: not an elfscan SARIF report (no run)`);
const results = run.results ?? [];
const summary = run.properties?.summary ?? { images: 0, errors: 0, warnings: 0, infos: 0 };

/** A result as a person reads it: where (path in the image, or the image itself) and what. */
function describe(r) {
  const loc = r.locations?.[0];
  const image = loc?.logicalLocations?.[0]?.fullyQualifiedName ?? r.properties?.image ?? '';
  const art = loc?.physicalLocation?.artifactLocation;
  const path = art?.uriBaseId === 'IMAGE_ROOT' ? `/${decodeURIComponent(art.uri)}` : null;
  return { level: r.level ?? 'warning', rule: r.ruleId, image, path, message: r.message?.text ?? '' };
}

// Workflow-command escaping: data and property values are cut at newlines and %, properties at : and ,.
const escData = (s) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const cell = (s) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const found = results.map(describe);
const out = [];
for (const f of found) out.push(`${f.level.padEnd(7)} ${f.rule}: ${f.path ?? '(image)'}  [${f.image}]\n          ${f.message}`);
out.push(`${summary.images} image(s): ${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.infos} info(s)`);
process.stdout.write(`${out.join('\n')}\n`);

const annotated = { error: 0, warning: 0 };
for (const f of found) {
  const kind = f.level === 'error' ? 'error' : f.level === 'warning' ? 'warning' : null;
  if (!kind || annotated[kind]++ >= MAX_ANNOTATIONS) continue;
  const title = escProp(`elfscan ${f.rule}`);
  process.stdout.write(`::${kind} title=${title}::${escData(`${f.path ?? f.image}: ${f.message}${f.path ? ` (${f.image})` : ''}`)}\n`);
}

if (process.env.GITHUB_STEP_SUMMARY) {
  const md = [`### elfscan: ${summary.errors} error(s), ${summary.warnings} warning(s), ${summary.infos} info(s) in ${summary.images} image(s)`, ''];
  if (found.length > 0) {
    md.push('| level | rule | image | path | message |', '|---|---|---|---|---|');
    for (const f of found.slice(0, MAX_ROWS)) md.push(`| ${f.level} | \`${f.rule}\` | ${cell(f.image)} | ${f.path ? `\`${cell(f.path)}\`` : '—'} | ${cell(f.message)} |`);
    if (found.length > MAX_ROWS) md.push('', `… and ${found.length - MAX_ROWS} more in the SARIF report.`);
  }
  appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${md.join('\n')}\n`);
}

if (process.env.GITHUB_OUTPUT) {
  appendFileSync(process.env.GITHUB_OUTPUT, `errors=${summary.errors}\nwarnings=${summary.warnings}\ninfos=${summary.infos}\n`);
}
