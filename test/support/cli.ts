export { spawnCli, type CliProcess } from '../../src/cli/child.js';
