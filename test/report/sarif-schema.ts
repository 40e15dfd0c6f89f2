// The official SARIF 2.1.0 schema (draft-07, committed under schema/ with its provenance) compiled
// once with ajv and ajv-formats, so that tests check elfscan's SARIF the way a consumer would.

import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

export const SARIF_SCHEMA = JSON.parse(readFileSync(new URL('./schema/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as {
  $schema: string;
  $id: string;
  title: string;
};

// strictRequired/strictTypes off: the official schema lists `required` names inside anyOf branches
// and leaves some types implicit, which ajv's strict mode reports as schema style, not errors.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
addFormats(ajv);
const validate = ajv.compile(SARIF_SCHEMA);

/** Schema violations of a parsed SARIF log, one line each ("/runs/0/results/0/level must be …"); [] when valid. */
export function sarifErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}
