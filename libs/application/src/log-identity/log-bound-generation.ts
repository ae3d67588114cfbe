import { projectionId, type AnyProjection } from '../projections/projection';
import type { ProjectionStore, ProjectionWriter } from '../projections/projection-store.port';
import { staleGenerationReason, type LogIdentity } from './log-identity';

export type LogBoundGenerationOptions = Readonly<{
  /** How long the replaced generation stays after readers switched (readers mid-query); default 2 s. */
  graceMs?: number;
  log?: (line: string) => void;
  /** Called when a rebuild starts because the log changed (the alerts sink resets its change feed). */
  onNewLog?: () => Promise<void>;
}>;

/**
 * The generation an active projection writes, checked against the log at every (re)start of its
 * subscription: the active generation when it was built from this log (and not past its head), otherwise a
 * fresh generation folded from the start of the log beside it. The stale one stays readable until the fresh
 * one has caught up; then readers switch over (whatever the stale checkpoint said) and it is deleted.
 * Without an identity (a test, a bare runner) it is simply the active generation.
 */
export class LogBoundGeneration {
  private writer?: ProjectionWriter;
  private rebuild?: { generation: number; replacing: number; logId: string };
  private readonly name: string;

  constructor(
    private readonly store: ProjectionStore,
    private readonly projection: AnyProjection,
    private readonly identity: LogIdentity | undefined,
    private readonly options: LogBoundGenerationOptions = {},
  ) {
    this.name = projectionId(projection);
  }

  /** The writer to commit with and the position to resume after. */
  async open(): Promise<{ writer: ProjectionWriter; position: bigint | undefined }> {
    if (!this.identity) {
      // Readers may have been switched to another generation: follow them.
      await this.writer?.close();
      this.writer = await this.store.activeWriter(this.projection);
      return { writer: this.writer, position: (await this.writer.checkpoint()).position };
    }
    const { logId, head } = await this.identity.observe();
    if (this.rebuild && this.writer) {
      // A rebuild in progress resumes, unless the log changed once more under it.
      const checkpoint = await this.writer.checkpoint();
      if (checkpoint.logId === logId && staleGenerationReason(checkpoint, logId, head) === undefined) {
        return { writer: this.writer, position: checkpoint.position };
      }
      const abandoned = this.rebuild.generation;
      await this.writer.close();
      this.writer = undefined;
      this.rebuild = undefined;
      await this.store.dropGeneration(this.projection, abandoned).catch(() => undefined);
    }
    await this.writer?.close();
    this.writer = undefined;
    const active = await this.store.activeWriter(this.projection);
    const checkpoint = await active.checkpoint();
    const reason = staleGenerationReason(checkpoint, logId, head);
    if (reason === undefined) {
      if (checkpoint.logId !== logId) await active.bindLog(logId);
      this.writer = active;
      return { writer: active, position: checkpoint.position };
    }
    await active.close();
    const fresh = await this.store.newGenerationWriter(this.projection);
    await fresh.bindLog(logId);
    this.writer = fresh;
    this.rebuild = { generation: fresh.generation, replacing: active.generation, logId };
    this.identity.rebuildStarted(this.name, reason);
    this.options.log?.(
      `${this.name}: ${reason}; rebuilding from the start of the log into generation ${fresh.generation} ` +
        `(generation ${active.generation} stays readable until it has caught up)`,
    );
    await this.options.onNewLog?.();
    return { writer: fresh, position: undefined };
  }

  /** The subscription caught up: a rebuilt generation replaces the stale one. Returns the writer to go on with. */
  async caughtUp(): Promise<ProjectionWriter> {
    const rebuild = this.rebuild;
    if (!rebuild) return this.writer!;
    const switched = await this.store.activate(this.projection, rebuild.generation, { force: true });
    await this.writer?.close();
    this.rebuild = undefined;
    // From now on it writes as the active generation (and notices a later switch by projections:rebuild).
    this.writer = await this.store.activeWriter(this.projection);
    this.identity?.rebuildFinished(this.name);
    const replaced = switched ? switched.replaced : undefined;
    this.options.log?.(
      `${this.name}: generation ${rebuild.generation} caught up with log ${rebuild.logId}; readers switched to it` +
        (replaced !== undefined ? ` from generation ${replaced}, which is deleted` : ''),
    );
    if (replaced !== undefined) {
      const timer = setTimeout(
        () => void this.store.dropGeneration(this.projection, replaced).catch(() => undefined),
        this.options.graceMs ?? 2_000,
      );
      timer.unref();
    }
    return this.writer;
  }

  async close(): Promise<void> {
    await this.writer?.close();
    this.writer = undefined;
    // A rebuild cut short starts again at the next open(): its partial generation would only be left behind.
    const abandoned = this.rebuild?.generation;
    this.rebuild = undefined;
    if (abandoned !== undefined)
      await this.store.dropGeneration(this.projection, abandoned).catch(() => undefined);
  }
}
