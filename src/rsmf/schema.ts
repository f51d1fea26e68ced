import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import schema from './schema/rsmf_schema_2_0_0.json' with { type: 'json' };

/**
 * Validation of an RSMF manifest against Relativity's published JSON Schema for RSMF 2.0.0
 * (draft-07; copied unchanged from relativitydev/rsmf-validator-samples with its BSD-3 licence,
 * schema/LICENSE-kCura). Formats are checked too (`date-time` timestamps, `idn-email` addresses),
 * as a review platform's own validator would. The exporter refuses to write a manifest that fails.
 * See docs/rsmf.md.
 */
// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// ajv-formats has no `idn-email` (RFC 6531 addresses, non-ASCII allowed): one @, no spaces or
// control characters, a dotted domain. Webex addresses are plain ASCII, so this is a floor.
ajv.addFormat('idn-email', /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u);
const validate = ajv.compile(schema);

export const RSMF_SCHEMA_ID = (schema as { $id: string }).$id;

/** The schema's complaints about `manifest`, one line each; empty when it is valid. */
export function rsmfManifestErrors(manifest: unknown): string[] {
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}
