import type { Command } from '../command.js';
import { infraCommand } from './infra.js';

export const COMMANDS: Command[] = [infraCommand];
