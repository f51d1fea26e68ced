import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { nextDailyRun } from '../../capture/crawl-window.js';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { dayRange, dueDay } from '../../processors/transcript/transform.js';
import { blobWriter, exportRsmf, type RsmfWriter } from '../../rsmf/export.js';
import { createRuntime, type Runtime } from '../../runtime.js';
import { parseFlags, type Command } from '../command.js';
import { onShutdown } from '../lifecycle.js';
import { progressLine } from '../progress.js';

export const rsmfCommand: Command = {
  name: 'rsmf',
  usage: `webex-archiver rsmf --from YYYY-MM-DD [--to YYYY-MM-DD] [--room ID ...] [--out DIR]
webex-archiver rsmf --schedule [--out DIR]

  --from, --to  the UTC days to export (--to defaults to --from); each conversation (room) with
                message versions on a day gets one .rsmf file for that day (RSMF 2.0.0,
                Relativity's format), split into slices sharing an eventcollectionid when a day
                passes WXA_RSMF_MAX_EVENTS events or WXA_RSMF_MAX_BYTES
  --room ID     only this Webex room (repeatable)
  --out DIR     where the files go (default: <WXA_DATA_DIR>/rsmf), as DAY/webex-<room>-DAY-NofM.rsmf
  --schedule    stay running: every day at WXA_RSMF_DAILY_AT (UTC), export the previous day into the
                private blob container WXA_BLOB_RSMF_CONTAINER (and --out when given)
  Built only from webex.raw.v1 and the attachment blobs (no Webex call): participants with
  emails, every message version (edits, deletions, thread replies), every attachment with its real
  name (also those the size limit stripped from the emails). Every manifest is checked against the
  RSMF 2.0.0 schema. The same archive gives the same bytes, so a rerun rewrites identical files.
  One line per file on stdout; exit 1 when a slice could not be written (its reason is printed).`,

  async run(argv) {
    const { values } = parseFlags(argv, {
      from: { type: 'string' }, to: { type: 'string' }, room: { type: 'string', multiple: true },
      out: { type: 'string' }, schedule: { type: 'boolean' },
    });
    if (values.schedule === true && (values.from !== undefined || values.to !== undefined)) throw new ArchiverError('BAD_INPUT', '--schedule picks the day itself: drop --from/--to');
    if (values.schedule !== true && values.from === undefined) throw new ArchiverError('BAD_INPUT', 'give --from YYYY-MM-DD (and optionally --to), or --schedule');
    const from = values.from;
    const to = values.to ?? from;
    if (from !== undefined) { dayRange(from); dayRange(to!); }
    const config = loadConfig();
    const rt = await createRuntime(config);
    onShutdown('runtime', () => rt.close());
    if (values.schedule !== true) {
      const out = resolve(values.out ?? join(config.dataDir, 'rsmf'));
      const ok = await runExport(rt, from!, to!, values.room ?? [], [dirWriter(out)]);
      await rt.close();
      process.stderr.write(`files in ${out}\n`);
      return ok ? 0 : 1;
    }
    await rt.blob.ensureContainers([config.rsmfContainer]);
    const writers = [blobWriter(rt.blob, config.rsmfContainer), ...(values.out ? [dirWriter(resolve(values.out))] : [])];
    for (;;) {
      const day = dueDay(new Date(), config.rsmfDailyAt);
      await runExport(rt, day, day, values.room ?? [], writers).catch((err: Error) => rt.logger.error({ err: err.message, day }, 'RSMF export failed; will try at the next run'));
      const next = nextDailyRun(new Date(), config.rsmfDailyAt);
      process.stderr.write(`next RSMF export at ${next.toISOString()}\n`);
      await new Promise((r) => setTimeout(r, next.getTime() - Date.now()));
    }
  },
};

function dirWriter(root: string): RsmfWriter {
  return async (name, bytes) => {
    const path = join(root, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  };
}

async function runExport(rt: Runtime, from: string, to: string, rooms: readonly string[], writers: RsmfWriter[]): Promise<boolean> {
  const progress = progressLine();
  const r = await exportRsmf(rt, { from, to, rooms, writers, progress: (n) => progress.update(`rsmf ${from}..${to}: ${n} records read`) });
  for (const f of r.files) process.stdout.write(`${f.name}: room ${f.roomId}, ${f.events} events, ${f.versions} versions, ${f.attachments} attachments, ${f.size} bytes\n`);
  for (const f of r.failed) process.stdout.write(`${f.name}: FAILED (${f.reason})\n`);
  progress.done(`rsmf ${from}..${to}: ${r.files.length} files from ${r.read} records${r.failed.length ? `, ${r.failed.length} FAILED` : ''}`);
  return r.failed.length === 0;
}
