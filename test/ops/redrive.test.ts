import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ImportTask, Outcome } from '../../src/kafka/records.js';
import { maildirFolderPath } from '../../src/sinks/maildir.js';
import { spawnCli } from '../support/cli.js';
import { testEnv, uniqueId } from '../support/config.js';
import { startPipeline, type TestPipeline } from '../support/pipeline.js';
import { samplePlan } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

/**
 * `webex-archiver redrive` end to end, as a real child process, against stage → route → import on
 * the real Kafka, registry, Azurite and Maildir. A plan names an attachment that is not in blob
 * storage (NOT_FOUND: stage dead-letters it, a failed outcome says so); an operator restores the
 * blob, lists with --dry-run, redrives, and every participant gets the item exactly once; a second
 * redrive sends nothing. And a parked import task (default delays: it would wait a minute) is
 * brought back at once with --parked.
 */
describe('redrive brings a dead letter back once its cause is fixed (real Kafka + Azurite + Maildir, real CLI)', () => {
  const id = uniqueId();
  const env = testEnv({ WXA_SINK: 'maildir' });
  const config = loadConfig({}, env);
  const alice = `alice-${id}@example.com`;
  const bob = `bob-${id}@example.com`;
  let pipe: TestPipeline;
  beforeAll(async () => { pipe = await startPipeline(config, ['stage', 'route', 'import']); });
  afterAll(async () => { await pipe?.stop(); });

  const files = (mailbox: string) => { try { return readdirSync(path.join(maildirFolderPath(config.maildirRoot, mailbox, config.mailFolder), 'cur')); } catch { return []; } };
  const cli = async (...args: string[]) => {
    const run = spawnCli(['redrive', ...args], env);
    const code = await run.exited;
    expect(code, run.output()).toBe(0);
    return run.output();
  };

  it('lists, sends back, reports what became of it, and sends nothing the second time', async () => {
    const { rt } = pipe;
    const bytes = Buffer.from(`attachment of ${id}`);
    const blobName = `restored/${id}.bin`;
    const plan = samplePlan({
      webexMessageId: `M-${id}`, itemId: `M-${id}:created:1`, roomId: `R-${id}`, messageId: `<m-${id}@webex-archiver.invalid>`,
      to: [{ name: 'Bob', address: bob }],
      participants: [{ personId: 'pa', email: alice, displayName: 'Alice' }, { personId: 'pb', email: bob, displayName: 'Bob' }],
      attachments: [{ name: 'a.bin', contentType: 'application/octet-stream', size: bytes.length, sha256: 'unchecked', container: config.attachmentsContainer, blobName, status: 'stored' }],
    });
    await rt.publisher.publish([{ topic: 'limited', key: plan.roomId, value: plan }]);
    let outcomes: Outcome[] = [];
    await waitUntil(async () => { outcomes = await pipe.outcomes(); return outcomes.some((o) => o.kind === 'failed'); }, 60_000, 'stage\'s failed outcome');
    expect(outcomes.find((o) => o.kind === 'failed')).toMatchObject({ processor: 'stage', itemId: plan.itemId });
    expect(outcomes.find((o) => o.kind === 'failed')!.reason).toMatch(/^NOT_FOUND: /);

    const dry = await cli('--processor', 'stage', '--dry-run');
    expect(dry).toContain('1 of 1 dead letters to send back');
    expect(dry).toContain(`item=${plan.itemId}`);
    expect(dry).toContain('dry run: nothing sent');
    // Nothing went anywhere: still no mail, still one failed outcome.
    expect(files(alice)).toHaveLength(0);

    await rt.blob.putStream(config.attachmentsContainer, blobName, Readable.from([bytes]), { expectedSize: bytes.length }); // the fix
    const first = await cli('--processor', 'stage', '--code', 'NOT_FOUND', '--item', plan.itemId, '--wait', '60');
    expect(first).toContain('1 went back');
    expect(first).toMatch(/outcomes since: imported=2/);
    expect(files(alice)).toHaveLength(1);
    expect(files(bob)).toHaveLength(1);

    const second = await cli('--processor', 'stage', '--wait', '0');
    expect(second).toContain('0 of 1 dead letters to send back; 1 matching were redriven before (skipped)');
    outcomes = await pipe.outcomes();
    expect(outcomes.filter((o) => o.kind === 'imported').map((o) => o.mailbox).sort()).toEqual([alice, bob].sort());
    expect(files(alice)).toHaveLength(1);
    expect(files(bob)).toHaveLength(1);
  });

  it('--parked brings a parked import task back now, once', async () => {
    const { rt } = pipe;
    const carol = `carol-${id}@example.com`;
    const blocked = maildirFolderPath(config.maildirRoot, carol, config.mailFolder);
    mkdirSync(path.dirname(blocked), { recursive: true });
    writeFileSync(blocked, 'not a folder');
    const eml = Buffer.from(`Message-ID: <p-${id}@webex-archiver.invalid>\r\nSubject: parked\r\n\r\nbody\r\n`);
    const task: ImportTask = {
      itemId: `P-${id}:created:1`, webexMessageId: `P-${id}`, roomId: `R-${id}`, messageId: `<p-${id}@webex-archiver.invalid>`, date: '2026-01-05T09:01:00.000Z', webexCreated: '2026-01-05T09:01:00.000Z',
      container: 'unused', blobName: 'unused', size: eml.length, sha256: 'x', partial: false, inline: eml, mailbox: carol, participantEmail: carol, viaFallback: false,
    };
    await rt.publisher.publish([{ topic: 'imports', key: carol, value: task }]);
    await waitUntil(async () => (await pipe.outcomes()).some((o) => o.kind === 'parked' && o.mailbox === carol), 60_000, 'carol\'s task parked');

    const dry = await cli('--parked', '--dry-run');
    expect(dry).toContain('1 of 1 parked import tasks to send back');
    expect(dry).toContain(`item=${task.itemId} mailbox=${carol}`);
    rmSync(blocked); // the fix
    const sent = await cli('--parked', '--item', task.itemId, '--wait', '60');
    expect(sent).toContain('1 went back');
    expect(sent).toMatch(/outcomes since: imported=1/);
    expect(files(carol)).toHaveLength(1);
    expect(await cli('--parked', '--wait', '0')).toContain('0 of 1 parked import tasks to send back; 1 matching were redriven before (skipped)');
    expect(files(carol)).toHaveLength(1);
  });
});
