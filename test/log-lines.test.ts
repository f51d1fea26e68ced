import { describe, expect, it } from 'vitest';
import { createLogger, wantsPrettyLogs } from '../src/log.js';
import { formatLogLine, logLineStream } from '../src/log-lines.js';

describe('readable log lines for a terminal', () => {
  it('keeps every field, redacted, on one line with time, level and component first', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: logLineStream({ write: (s) => lines.push(s) }, false) });
    logger.child({ component: 'kafkajs' }).warn({ broker: '127.0.0.1:19092', token: 'abc', retry: { n: 2 } }, 'Connection timeout');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}WARN {3}kafkajs {2}Connection timeout {2}broker=127\.0\.0\.1:19092 token=\[redacted\] retry=\{"n":2\}\n$/);
  });

  it('colours only when asked, passes a line that is not JSON through, and chooses by format and TTY', () => {
    expect(formatLogLine('{"level":50,"time":0,"msg":"x"}', true)).toContain('\u001b[31mERROR');
    expect(formatLogLine('{"level":50,"time":0,"msg":"x"}', false)).toBe('00:00:00.000  ERROR  x');
    expect(formatLogLine('not json\n')).toBe('not json');
    expect([wantsPrettyLogs('auto', true), wantsPrettyLogs('auto', false), wantsPrettyLogs('json', true), wantsPrettyLogs('pretty', false)]).toEqual([true, false, false, true]);
  });
});
