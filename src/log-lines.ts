import type { DestinationStream } from 'pino';

/**
 * Readable log lines for a terminal: pino writes one JSON object per line; this turns each into
 * `12:01:02.345 WARN  kafkajs  message  key=value …` (UTC time), coloured by level when asked.
 * Only the rendering changes: the same fields are there, and redaction has already happened in
 * pino before the line reaches a destination. Collectors and files keep the JSON (src/log.ts).
 */
const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '90' }, 20: { name: 'DEBUG', colour: '90' }, 30: { name: 'INFO ', colour: '36' },
  40: { name: 'WARN ', colour: '33' }, 50: { name: 'ERROR', colour: '31' }, 60: { name: 'FATAL', colour: '41;97' },
};
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'component', 'v']);

export function formatLogLine(json: string, colour = false): string {
  let o: Record<string, unknown>;
  try { o = JSON.parse(json) as Record<string, unknown>; } catch { return json.replace(/\n$/, ''); }
  const level = LEVELS[Number(o.level)] ?? { name: String(o.level).toUpperCase().padEnd(5), colour: '0' };
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 23) : '';
  const paint = (code: string, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
  const fields = Object.entries(o).filter(([k]) => !HIDDEN.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  return [paint('90', time), paint(level.colour, level.name), o.component ? paint('35', String(o.component)) : '', String(o.msg ?? ''), fields.length ? paint('90', fields.join(' ')) : '']
    .filter((s) => s !== '').join('  ');
}

export function logLineStream(out: { write(s: string): unknown }, colour: boolean): DestinationStream {
  return { write: (line: string) => { for (const l of line.split('\n')) if (l) out.write(`${formatLogLine(l, colour)}\n`); } };
}
