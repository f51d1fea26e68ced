/**
 * Derives JSON schemas for the simulator's responses from Cisco's official OpenAPI spec
 * (webex/webex-openapi-specs, public-spec/webex-messaging.json, CC BY 4.0): field names, types,
 * enums and required fields only, no prose. Writes test/fixtures/webex/openapi-schemas.json,
 * which is committed: the tests always validate against it. The spec is kept, with its
 * attribution, in spec/webex-openapi/ (NOTICE.md there). `--check` derives again and fails
 * (exit 1) when the fixture has drifted from the spec, or (exit 2) when the spec cannot be found.
 *
 *   npm run derive-schemas [-- path/to/webex-messaging.openapi.json]            rewrite the fixture
 *   npm run derive-schemas -- --check [path/to/webex-messaging.openapi.json]   verify it
 *
 * The spec's path defaults to $WEBEX_OPENAPI_SPEC, then the repository's copy,
 * spec/webex-openapi/webex-messaging.openapi.json (found from this file, so any clone has it).
 * Without a path, the Meetings subset (spec/webex-openapi/webex-meetings-compliance.openapi.json,
 * from public-spec/webex-meeting.json) is derived and checked too, into its own fixture
 * test/fixtures/webex/openapi-meetings-schemas.json (its component names are its own namespace).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SPEC_PATH = process.env.WEBEX_OPENAPI_SPEC ?? join(REPO_ROOT, 'spec/webex-openapi/webex-messaging.openapi.json');
export const DERIVED_PATH = join(REPO_ROOT, 'test/fixtures/webex/openapi-schemas.json');
export const SCHEMA_ID = 'webex-openapi';
export const MEETINGS_SPEC_PATH = join(REPO_ROOT, 'spec/webex-openapi/webex-meetings-compliance.openapi.json');
export const MEETINGS_DERIVED_PATH = join(REPO_ROOT, 'test/fixtures/webex/openapi-meetings-schemas.json');
export const MEETINGS_SCHEMA_ID = 'webex-openapi-meetings';
/** What the simulator serves of the Meetings API: GET /meetings/{id}, /meetingParticipants, /meetingTranscripts. */
export const MEETINGS_ROOTS = ['MeetingSeriesObject', 'Participant', 'TranscriptObject'];

/** The component schemas the simulator serves (and what they reference). */
export const ROOTS = [
  'ListMessage', 'ListMessageCollectionResponse', 'Room', 'RoomCollectionResponse', 'Membership', 'MembershipCollectionResponse',
  'Person', 'PersonCollectionResponse', 'Team', 'TeamCollectionResponse', 'Webhook', 'WebhookCollectionResponse',
  'Event', 'EventCollectionResponse',
];

/** Schema keywords that carry structure; everything else (description, example, x-*) is prose. */
export const KEEP = new Set(['type', 'properties', 'items', 'required', 'enum', '$ref', 'allOf', 'oneOf', 'anyOf', 'additionalProperties', 'nullable', 'format']);

type Node = Record<string, unknown>;

function clean(node: unknown, refs: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => clean(n, refs));
  if (typeof node !== 'object' || node === null) return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node as Node)) {
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as Node).map(([p, s]) => [p, clean(s, refs)]));
    } else if (k === '$ref') {
      const name = String(v).replace('#/components/schemas/', '');
      refs.add(name);
      out.$ref = `#/$defs/${name}`;
    } else if (KEEP.has(k)) {
      out[k] = clean(v, refs);
    }
  }
  return out;
}

export function deriveSchemas(spec: { components: { schemas: Record<string, unknown> }; info?: { version?: string } }, roots: readonly string[] = ROOTS, id = SCHEMA_ID, source = 'webex-messaging'): Node {
  const defs: Node = {};
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name in defs) continue;
    const src = spec.components.schemas[name];
    if (!src) throw new Error(`OpenAPI spec has no component schema ${name}`);
    const refs = new Set<string>();
    defs[name] = clean(src, refs);
    queue.push(...refs);
  }
  return {
    $id: id,
    $comment: `Derived by test/simulator/derive-schemas.ts from Cisco ${source} OpenAPI spec (CC BY 4.0); structure only.`,
    $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
  };
}

export function deriveFromFile(path = SPEC_PATH): Node {
  return deriveSchemas(JSON.parse(readFileSync(path, 'utf8')));
}

export function deriveMeetingsFromFile(path = MEETINGS_SPEC_PATH): Node {
  return deriveSchemas(JSON.parse(readFileSync(path, 'utf8')), MEETINGS_ROOTS, MEETINGS_SCHEMA_ID, 'webex-meeting');
}

/** The fixture as written: stable key order, two-space indent, final newline. */
export function serialize(derived: Node): string {
  return `${JSON.stringify(derived, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const given = args.find((a) => a !== '--check');
  const jobs = [{ spec: given ?? SPEC_PATH, fixture: DERIVED_PATH, derive: deriveFromFile }, ...(given ? [] : [{ spec: MEETINGS_SPEC_PATH, fixture: MEETINGS_DERIVED_PATH, derive: deriveMeetingsFromFile }])];
  for (const job of jobs) {
    if (!existsSync(job.spec)) {
      process.stderr.write(`derive-schemas: no OpenAPI spec at ${job.spec}; pass its path or set WEBEX_OPENAPI_SPEC (webex/webex-openapi-specs, public-spec/webex-messaging.json)\n`);
      process.exit(2);
    }
    const fresh = serialize(job.derive(job.spec));
    if (check) {
      const committed = readFileSync(job.fixture, 'utf8');
      if (JSON.stringify(JSON.parse(committed)) !== JSON.stringify(JSON.parse(fresh))) {
        process.stderr.write(`derive-schemas: ${job.fixture} differs from a fresh derivation of ${job.spec}; run \`npm run derive-schemas\` and review the diff\n`);
        process.exit(1);
      }
      process.stdout.write(`derive-schemas: ${job.fixture} matches ${job.spec}\n`);
    } else {
      writeFileSync(job.fixture, fresh);
      process.stdout.write(`wrote ${job.fixture}\n`);
    }
  }
}
