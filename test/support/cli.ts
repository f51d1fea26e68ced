export { spawnCli, type CliProcess } from '../../bench/spawn-cli.js';
