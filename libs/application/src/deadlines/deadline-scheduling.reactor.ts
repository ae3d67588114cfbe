import type { Event } from '@tracker/domain';
import {
  DEFAULT_DEADLINE_POLICY,
  DeadlinePolicy,
  deadlineJobId,
  deadlinePlan,
  isDossier,
  type DeadlineInstant,
  ladderFor,
} from '@tracker/domain';
import type { Clock } from '../ports/clock.port';
import type { RecordedEvent } from '../ports/event-store.port';
import {
  applyProjection,
  documentIdsOf,
  indexDiff,
  type DocumentChange,
} from '../projections/apply-projection';
import { projectionId, type IndexEntry, type StoredDocument } from '../projections/projection';
import type { ProjectionStore, ProjectionWriter } from '../projections/projection-store.port';
import type { SubscriptionSink } from '../projections/subscription.runner';
import { LogBoundGeneration } from '../log-identity/log-bound-generation';
import type { LogIdentity } from '../log-identity/log-identity';
import type { VersionedCalendars } from './deadline-calendars';
import type { DeadlineJob, DeadlineScheduler } from './deadline-scheduler.port';
import {
  deadlineSchedulingProjection as projection,
  type DeadlineDoc,
} from './deadline-scheduling.projection';

/**
 * `deadline-scheduling.v1`: its own checkpointed subscription to the dossier streams. Per batch: fold the
 * touched dossiers, plan their ladders, add the new jobs and remove the ones no longer planned, then commit
 * the documents (with their plans and the sweep's indexes) and the checkpoint in one MULTI/EXEC.
 *
 * One job per dossier: its next rung. When that rung is recorded the stream gets a DossierDueSoon, this
 * reactor folds it and schedules the rung after it; the overdue rung is indexed from the start, so the
 * sweep can record it even when a job in the chain went missing.
 *
 * The jobs go out before the commit (at least once): a crash in between replays the batch, and the job ids
 * are deterministic, so the replay adds nothing. A replay from the start (Redis lost, checkpoint gone) sees
 * every dossier as new: it schedules the open ones once and skips the finished ones (their state is folded
 * but plans nothing), with no job for any rung already recorded in the stream.
 */
export class DeadlineSchedulingReactor implements SubscriptionSink {
  readonly name = projectionId(projection);
  readonly streamPrefixes = projection.streamPrefixes;
  private writer?: ProjectionWriter;
  private position: bigint | undefined;

  private readonly generations: LogBoundGeneration;

  constructor(
    store: ProjectionStore,
    private readonly scheduler: DeadlineScheduler,
    private readonly calendars: VersionedCalendars,
    private readonly clock: Clock,
    private readonly policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY,
    identity?: LogIdentity,
    log?: (line: string) => void,
  ) {
    // The jobs carry the log id too (the scheduler adapter): another log's jobs never block or fire for this one.
    this.generations = new LogBoundGeneration(store, projection, identity, { log });
  }

  async open(): Promise<bigint | undefined> {
    const opened = await this.generations.open();
    this.writer = opened.writer;
    this.position = opened.position;
    return this.position;
  }

  async caughtUp(): Promise<void> {
    this.writer = await this.generations.caughtUp();
  }

  async handle(events: readonly RecordedEvent[]): Promise<void> {
    const writer = this.writer!;
    const batch = events as RecordedEvent<Event>[] as Parameters<typeof applyProjection>[2];
    const ids = documentIdsOf(projection, batch as never);
    const loaded = ids.length ? await writer.load<DeadlineDoc>(ids) : new Map();
    const { changes } = applyProjection(projection, loaded, batch as never);

    const add: DeadlineJob[] = [];
    const cancel: string[] = [];
    const planned: DocumentChange<DeadlineDoc>[] = [];
    for (const change of changes as DocumentChange<DeadlineDoc>[]) {
      const after = change.after && (await this.planned(change.id, change.after));
      const before = new Set((change.before?.doc.plan ?? []).map((j) => j.id));
      const now = new Set((after?.doc.plan ?? []).map((j) => j.id));
      for (const job of after?.doc.plan ?? []) if (!before.has(job.id)) add.push(job);
      for (const id of before) if (!now.has(id)) cancel.push(id);
      planned.push({ id: change.id, before: change.before, after });
    }
    if (add.length) await this.scheduler.schedule(add, this.clock.now().getTime());
    if (cancel.length) await this.scheduler.cancel(cancel);

    const remove: IndexEntry[] = [];
    const put: IndexEntry[] = [];
    for (const change of planned) {
      const diff = indexDiff(projection, change);
      remove.push(...diff.remove);
      put.push(...diff.add);
    }
    const checkpoint = events[events.length - 1].position;
    await writer.commit({
      expected: this.position,
      checkpoint,
      events: events.length,
      changes: planned,
      remove,
      add: put,
    });
    this.position = checkpoint;
  }

  async close(): Promise<void> {
    await this.generations.close();
    this.writer = undefined;
  }

  /** The document with its next rung as a job; the state dropped once nothing can be planned any more. */
  private async planned(
    code: string,
    stored: StoredDocument<DeadlineDoc>,
  ): Promise<StoredDocument<DeadlineDoc>> {
    const dossier = stored.doc.dossier;
    if (dossier === null || !isDossier(dossier)) {
      return { ...stored, doc: { dossier, plan: [], overdue: null } };
    }
    const calendar = await this.calendars.get(dossier.calendarVersion);
    const { next, overdue } = deadlinePlan(dossier, calendar, ladderFor(this.policy, dossier.procedureCode));
    const job = (rung: DeadlineInstant): DeadlineJob => ({
      id: deadlineJobId(rung.stage, code, rung.dueMs),
      code,
      ...rung,
    });
    const settled = dossier.finishedAt !== null && next === null;
    return {
      ...stored,
      doc: {
        dossier: settled ? null : dossier,
        plan: next ? [job(next)] : [],
        overdue: overdue && job(overdue),
      },
    };
  }
}
