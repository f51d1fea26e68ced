import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders the local servers use. Both are git-ignored: `.cache` is kept between runs, `.run` is scratch. */
export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const CACHE_DIR = path.join(ROOT, '.cache');
export const RUN_DIR = path.join(ROOT, '.run');
export const LOG_DIR = path.join(RUN_DIR, 'logs');

/** Loopback endpoints of the local servers; the configuration defaults point at them. */
export const PORTS = {
  kafka: 19092,
  kafkaController: 19093,
  registry: 18081,
  azurite: 10000,
  dovecot: 11143,
  prometheus: 19090,
  dovecotLmtp: 11024,
  postfix: 11025,
  postfixBusy: 11026,
  postfixAuth: 11027,
  dovecotAuth: 11028,
} as const;

export const HOST = '127.0.0.1';
