import { loadConfig, redactedConfig } from '../../config/load.js';
import { renderConfigDocs } from '../../config/docs.js';
import { parseFlags, type Command } from '../command.js';

export const configCommand: Command = {
  name: 'config',
  usage: `webex-archiver config [--docs]

  Validates the configuration exactly as every other command does at start-up and prints it
  with secrets redacted; exits 2 naming the first bad key. --docs prints docs/configuration.md.`,
  async run(argv) {
    const { values } = parseFlags(argv, { docs: { type: 'boolean' } });
    if (values.docs) { process.stdout.write(renderConfigDocs()); return 0; }
    process.stdout.write(JSON.stringify(redactedConfig(loadConfig()), null, 2) + '\n');
    return 0;
  },
};
