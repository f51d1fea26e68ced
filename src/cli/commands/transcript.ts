import { runTranscriptJob, summaryOf } from '../../processors/transcript/index.js';
import { dayRange, dueDay } from '../../processors/transcript/transform.js';
import { nextDailyRun } from '../../capture/crawl-window.js';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { createRuntime, type Runtime } from '../../runtime.js';
import { parseFlags, type Command } from '../command.js';
import { onShutdown } from '../lifecycle.js';
import { progressLine } from '../progress.js';

export const transcriptCommand: Command = {
  name: 'transcript',
  usage: `webex-archiver transcript (--day YYYY-MM-DD | --schedule)

  --day DAY     read the deduped plans (webex.unique.v1), build one transcript email per room for
                the closed UTC day DAY (every message version of that day: sender, time, text,
                edits, deletions, thread replies, attachments) and publish them into the pipeline
                (webex.converted.v1); dedupe, limit, stage, route and import take it from there
  --schedule    stay running: every day at WXA_TRANSCRIPT_DAILY_AT (UTC), build the previous
                day's transcripts; at start, the day of the latest such run (catches up a missed one)
  Needs WXA_TRANSCRIPT_MODE=true (message versions then stop at limit). Safe to run again: the same
  versions give the same Message-ID, which import skips. A version of an earlier day captured since
  DAY began (found late by the crawl) makes its room-day be built again: a new transcript version
  when it was missing (a 'rebuilt' outcome names it), an identical one (dropped) otherwise. Progress on stderr, one line per transcript on stdout.`,

  async run(argv) {
    const { values } = parseFlags(argv, { day: { type: 'string' }, schedule: { type: 'boolean' } });
    if ((values.day === undefined) === (values.schedule !== true)) throw new ArchiverError('BAD_INPUT', 'give either --day YYYY-MM-DD or --schedule');
    if (values.day !== undefined && dayRange(values.day).end > Date.now()) {
      throw new ArchiverError('BAD_INPUT', `--day ${values.day} is not over yet (UTC); a transcript is built for a closed day`);
    }
    const config = loadConfig();
    if (!config.transcriptMode) throw new ArchiverError('CONFIG', 'WXA_TRANSCRIPT_MODE is false: set it to true (message versions would otherwise be imported as well as the transcripts)');
    const rt = await createRuntime(config);
    onShutdown('runtime', () => rt.close());
    if (values.day !== undefined) {
      await runDay(rt, values.day);
      await rt.close();
      return 0;
    }
    for (;;) {
      await runDay(rt, dueDay(new Date(), config.transcriptDailyAt)).catch((err: Error) => rt.logger.error({ err: err.message }, 'transcript job failed; will try at the next run'));
      const next = nextDailyRun(new Date(), config.transcriptDailyAt);
      process.stderr.write(`next transcripts at ${next.toISOString()}\n`);
      await new Promise((r) => setTimeout(r, next.getTime() - Date.now()));
    }
  },
};

async function runDay(rt: Runtime, day: string): Promise<void> {
  const progress = progressLine();
  const r = await runTranscriptJob(rt, day, { progress: (p) => progress.update(`transcript ${day}: ${p.read} records read, ${p.versions} versions of the day`) });
  for (const t of [...r.transcripts.map(summaryOf), ...r.rebuilt]) {
    const again = t.day === day ? '' : ' (built again: versions captured after that day)';
    process.stdout.write(`${t.day} room ${t.roomId}: ${t.items} versions, ${t.participants} participants, ${t.messageId}${again}\n`);
  }
  const late = r.rebuilt.length ? `; ${r.rebuilt.length} transcripts of earlier days built again, ${r.lateVersions} late versions in new ones` : '';
  progress.done(`transcript ${day}: ${r.transcripts.length} transcripts published from ${r.versions} versions (${r.read} records read)${late}`);
}
