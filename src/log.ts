import { pino, type Logger, type DestinationStream } from 'pino';
import { logLineStream } from './log-lines.js';

/**
 * Paths pino blanks before a line is written. Tokens and secrets must never reach a log,
 * whatever object a caller hands to the logger.
 */
export const REDACT_PATHS = [
  'token', 'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'secret', 'password', 'pass', 'clientSecret',
  'authorization', 'Authorization', '*.token', '*.accessToken', '*.refreshToken', '*.secret', '*.password', '*.pass',
  '*.clientSecret', '*.authorization', '*.Authorization', 'headers.authorization', 'req.headers.authorization',
  'req.headers["x-spark-signature"]', 'config.webexToken', 'config.webhookSecret', 'config.operatorToken',
  // The operator session id is a credential too (src/ops/session-cookie.ts).
  'headers.cookie', 'req.headers.cookie',
];

export type { Logger };

export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * `auto` (WXA_LOG_FORMAT's default): readable lines when stdout is a terminal (`npm start`),
 * JSON lines otherwise, which is what collectors, files and containers (no TTY) get.
 */
export function wantsPrettyLogs(format: LogFormat, isTTY = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && isTTY);
}

export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream; format?: LogFormat } = {}): Logger {
  const options = {
    name: opts.name ?? 'webex-archiver',
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  if (opts.destination) return pino(options, opts.destination);
  return wantsPrettyLogs(opts.format ?? 'json') ? pino(options, logLineStream(process.stdout, process.stdout.isTTY === true)) : pino(options);
}
