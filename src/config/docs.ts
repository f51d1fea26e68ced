import { CONFIG_SPEC } from './schema.js';

/** docs/configuration.md, generated from CONFIG_SPEC so the documentation cannot drift from the code. */
export function renderConfigDocs(): string {
  const lines = [
    '# Configuration',
    '',
    'Generated from `src/config/schema.ts` by `webex-archiver config --docs` (a test checks it is current).',
    'Set keys as environment variables, or as `KEY=VALUE` lines in a file named by `WXA_CONFIG_FILE`',
    '(the environment wins). Every value is validated at start-up; a bad one stops the program naming the key.',
    'So does a `WXA_` variable that is none of the keys below (the message names the nearest key), and, once',
    'anything listens on or talks to a non-loopback address, a secret still at its development value (README,',
    '"Production: the secrets you must set"). Secrets are never printed or logged.',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
  ];
  for (const spec of Object.values(CONFIG_SPEC)) {
    const secret = 'secret' in spec && spec.secret;
    const def = secret ? (spec.default ? '(local development value)' : '') : spec.default;
    lines.push(`| \`${spec.env}\` | ${def === '' ? '' : `\`${def.replace(/\|/g, '\\|')}\``} | ${spec.doc}${secret ? ' (secret)' : ''} |`);
  }
  return lines.join('\n') + '\n';
}
