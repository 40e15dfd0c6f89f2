// entrypoint-missing and entrypoint-mismatch (spec §5): what `docker run` executes first. The
// config's Entrypoint, else Cmd (Docker stores the shell form as ["/bin/sh", "-c", …]); a bare
// name is looked up on the config's PATH, a relative path from WorkingDir, both through symlinks.
// A `#!` script is followed to its interpreter (`#!/usr/bin/env node` → node on PATH), as the
// kernel and env do, a few levels deep.

import type { FinalFile, Finding } from '../model.js';
import { describeFacts, formatPlatform, judge } from '../platform.js';
import type { RuleContext } from './context.js';
import { DEFAULT_PATH, configEnv } from './image-facts.js';
import { loaderModel } from './model/loader-model.js';

/** The kernel follows at most 4 levels of interpreters (BINPRM_MAX_RECURSION). */
const SHEBANG_DEPTH = 4;

export function entrypoint(ctx: RuleContext): Finding[] {
  const cfg = ctx.config.config;
  const argv = cfg?.Entrypoint?.length ? cfg.Entrypoint : cfg?.Cmd?.length ? cfg.Cmd : null;
  const first = argv?.[0];
  if (typeof first !== 'string' || first === '') return [];
  const path = (configEnv(ctx.config, 'PATH') ?? DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
  const workdir = typeof cfg?.WorkingDir === 'string' && cfg.WorkingDir.startsWith('/') ? cfg.WorkingDir : '/';
  const exp = ctx.expected ? formatPlatform(ctx.expected) : null;
  const missing = (shown: string, message: string): Finding[] => [
    { severity: 'error', rule: 'entrypoint-missing', path: shown, layer: null, found: null, expected: exp, message },
  ];

  let name = first;
  let via = '';
  for (let depth = 0; depth <= SHEBANG_DEPTH; depth++) {
    const found = find(ctx, name, path, workdir);
    if (!found) {
      return missing(name, via ? `${via}, but ${name} is not in the image${name.includes('/') ? '' : ` (PATH=${path.join(':')})`}` : `the entrypoint ${name} is not in the image${name.includes('/') ? '' : ` (searched PATH=${path.join(':')})`}`);
    }
    const { file, shown } = found;
    if (file.facts && ctx.expected) {
      const v = judge(file.facts, ctx.expected);
      if (v.kind === 'match' || v.kind === 'no-opinion' || v.kind === 'compat-32bit') return [];
      return [
        {
          severity: 'error',
          rule: 'entrypoint-mismatch',
          path: file.path,
          layer: ctx.layerDigest(file.layer),
          found: file.facts.platform,
          expected: exp,
          message: `${via ? `${via}: ` : 'the entrypoint '}${shown} is ${article(describeFacts(file.facts))}, which a ${exp} host cannot run${hint(ctx, file)}`,
        },
      ];
    }
    const interp = file.shebang ? parseShebang(file.shebang) : null;
    if (!interp) return [];
    via = `${via ? `${via}; ` : 'the entrypoint '}${shown} is a script for ${interp.join(' ')}`;
    // #!/usr/bin/env [-S] NAME: NAME is looked up on PATH.
    if (/(^|\/)env$/.test(interp[0]!) && interp.length > 1) {
      const prog = interp.slice(1).find((a) => !a.startsWith('-') && !a.includes('='));
      if (!find(ctx, interp[0]!, path, workdir)) return missing(interp[0]!, `${via}, but ${interp[0]} is not in the image`);
      if (!prog) return [];
      name = prog;
    } else {
      name = interp[0]!;
    }
  }
  return [];
}

/** The loader model's fix (the per-platform package to install instead), as arch-mismatch would give it. */
function hint(ctx: RuleContext, file: FinalFile): string {
  const role = loaderModel(ctx, ctx.expected!).role(file);
  return role.loaded && role.hint ? role.hint : '';
}

function find(ctx: RuleContext, name: string, path: string[], workdir: string): { file: FinalFile; shown: string } | null {
  const candidates = name.startsWith('/') ? [name] : name.includes('/') ? [`${workdir.replace(/\/$/, '')}/${name}`] : path.map((d) => `${d.replace(/\/$/, '')}/${name}`);
  for (const c of candidates) {
    const f = ctx.tree.resolve(c);
    if (f && f.type === 'file') return { file: f, shown: c };
  }
  return null;
}

/** "#!/usr/bin/env -S node --x" → ["/usr/bin/env", "-S", "node", "--x"]; null when empty. */
function parseShebang(line: string): string[] | null {
  const words = line.slice(2).trim().split(/[ \t]+/).filter(Boolean);
  return words.length ? words : null;
}

function article(what: string): string {
  return `${/^[AEIOUaeiou]|^x86|^x32|^MIPS|^Mach/.test(what) ? 'an' : 'a'} ${what}`;
}
