// --config / .elfscan.json: the settings a team keeps next to its Dockerfile — accepted paths
// (each with the reason a reviewer will read), per-rule severities, and the platforms an index
// must carry. Read strictly: an unknown key or a bad value ends the run with exit 2 naming the
// key, because a typo in an ignore list silently accepting nothing is worse than no file.

import { readFileSync } from 'node:fs';
import { ElfscanError } from '../errors.js';
import type { RuleId, Severity } from '../model.js';
import { parsePlatform } from '../platform.js';
import { RULE_CATALOG } from '../rules/catalog.js';

export interface IgnoreEntry {
  /** Glob as --ignore takes it. */
  path: string;
  reason: string;
}

export interface ElfscanConfig {
  ignore: IgnoreEntry[];
  severity: Partial<Record<RuleId, Severity | 'off'>>;
  requirePlatforms: string[];
}

export const DEFAULT_CONFIG_FILE = '.elfscan.json';

const KEYS = new Set(['ignore', 'severity', 'requirePlatforms', '$schema']);
const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);
const RULES = new Set<string>(RULE_CATALOG.map((r) => r.id));

/** Reads and checks a config file; `where` names it in errors. */
export function loadConfig(path: string): ElfscanConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ElfscanError(path, `cannot read the config file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ElfscanError(path, `is not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(json, path);
}

export function parseConfig(json: unknown, where: string): ElfscanConfig {
  const bad = (key: string, what: string) => new ElfscanError(where, `"${key}" ${what}`);
  if (!isObject(json)) throw new ElfscanError(where, 'must hold a JSON object');
  for (const k of Object.keys(json)) if (!KEYS.has(k)) throw bad(k, `is not a known key (expected ${[...KEYS].filter((x) => x !== '$schema').join(', ')})`);
  const out: ElfscanConfig = { ignore: [], severity: {}, requirePlatforms: [] };

  if (json.ignore !== undefined) {
    if (!Array.isArray(json.ignore)) throw bad('ignore', 'must be an array of { "path": glob, "reason": text }');
    json.ignore.forEach((item, i) => {
      const key = `ignore[${i}]`;
      if (!isObject(item)) throw bad(key, 'must be an object { "path": glob, "reason": text }');
      for (const k of Object.keys(item)) if (k !== 'path' && k !== 'reason') throw bad(`${key}.${k}`, 'is not a known key (expected path, reason)');
      if (typeof item.path !== 'string' || item.path.trim() === '') throw bad(`${key}.path`, 'must be a non-empty glob');
      if (typeof item.reason !== 'string' || item.reason.trim() === '') throw bad(`${key}.reason`, 'must say why the path is accepted');
      out.ignore.push({ path: item.path, reason: item.reason.trim() });
    });
  }

  if (json.severity !== undefined) {
    if (!isObject(json.severity)) throw bad('severity', 'must be an object of rule id → error, warning, info or off');
    for (const [rule, value] of Object.entries(json.severity)) {
      const key = `severity.${rule}`;
      if (!RULES.has(rule)) throw bad(key, 'names no rule (see docs/rules.md)');
      if (typeof value !== 'string' || !SEVERITIES.has(value)) throw bad(key, 'must be error, warning, info or off');
      out.severity[rule as RuleId] = value as Severity | 'off';
    }
  }

  if (json.requirePlatforms !== undefined) {
    if (!Array.isArray(json.requirePlatforms)) throw bad('requirePlatforms', 'must be an array of platforms such as "linux/arm64"');
    json.requirePlatforms.forEach((p, i) => {
      const key = `requirePlatforms[${i}]`;
      if (typeof p !== 'string') throw bad(key, 'must be a platform string such as "linux/arm64"');
      try {
        parsePlatform(p);
      } catch (e) {
        throw bad(key, `is not a platform: ${(e as Error).message.replace(/^--platform: /, '')}`);
      }
      out.requirePlatforms.push(p);
    });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
