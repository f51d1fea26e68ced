import { pino, type Logger, type DestinationStream } from 'pino';

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

export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  const options = {
    name: opts.name ?? 'webex-archiver',
    level: opts.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
