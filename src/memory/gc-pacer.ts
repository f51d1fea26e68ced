import { Transform } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Keeps a large stream's garbage from piling up. Every chunk a socket or a transform hands us is
 * a fresh buffer outside the JS heap, and V8 collects such buffers only when the heap itself
 * needs a collection or external memory has grown by tens of MB since the last one: streaming one
 * 25-100 MB attachment raised a process's peak RSS by 10-30 MB of dead chunks (bench, per process).
 * A minor (young generation) collection frees them, since stream chunks die young; it takes about
 * a millisecond. So a stream that has moved `everyBytes` since the last one asks for one.
 *
 * The collector is reached without a command-line flag (the CLI runs under tsx, compose and
 * systemd start it their own way): `--expose-gc` set at run time exposes `gc` to contexts
 * created after it. Without it (a runtime that refuses the flag) pacing does nothing.
 */
type GcFunction = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

let collector: GcFunction | null | undefined;

function gcFunction(): GcFunction | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: GcFunction }).gc;
  if (exposed) return (collector = exposed);
  try {
    v8.setFlagsFromString('--expose-gc');
    collector = vm.runInNewContext('gc') as GcFunction;
  } catch {
    collector = null;
  }
  return collector;
}

export const GC_EVERY_BYTES = 4 * 1024 * 1024;

/** A counter for one stream: call it with each chunk's length. */
export function gcPacer(everyBytes = GC_EVERY_BYTES, collect: () => void = minorCollection): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    collect();
  };
}

/** A pass-through stream that paces the collector for what flows through it (a download). */
export function gcPacedPassThrough(everyBytes = GC_EVERY_BYTES): Transform {
  const pace = gcPacer(everyBytes);
  return new Transform({ transform(chunk: Buffer, _enc, cb) { pace(chunk.length); cb(null, chunk); } });
}

function minorCollection(): void {
  gcFunction()?.({ type: 'minor' });
}

/** Whether pacing can reach the collector here (reported by tests and the bench). */
export function gcPacingAvailable(): boolean {
  return gcFunction() !== null;
}
