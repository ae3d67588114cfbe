import { Logger } from '@nestjs/common';

/** A new snapshot once this many rows changed since the last one, or after SAVE_EVERY_MS with any. */
const SAVE_AFTER_CHANGES = 50_000;
const SAVE_EVERY_MS = 15 * 60_000;

/**
 * When a reader's in-memory table is saved as a snapshot: after a full load, then as it changes
 * (SAVE_AFTER_CHANGES, SAVE_EVERY_MS), one write at a time, after the current request is answered.
 */
export class SnapshotSaving<S> {
  private changedSinceSave = 0;
  private savedAt = 0;
  private saving?: Promise<void>;

  constructor(
    private readonly logger: Logger,
    private readonly write?: (snapshot: S) => Promise<void>,
  ) {}

  /** Rows changed since the last save. */
  changed(rows: number): void {
    this.changedSinceSave += rows;
  }

  /** The table was just loaded from a snapshot: it counts as saved now. */
  restored(): void {
    this.changedSinceSave = 0;
    this.savedAt = Date.now();
  }

  /** Saves when enough changed or long enough passed (see now()). */
  whenDue(take: () => S | undefined): void {
    const due =
      this.changedSinceSave >= SAVE_AFTER_CHANGES ||
      (this.changedSinceSave > 0 && Date.now() - this.savedAt >= SAVE_EVERY_MS);
    if (due) this.now(take);
  }

  /** The table as `take` gives it now (it matches its cursor now), written after the current request. */
  now(take: () => S | undefined): void {
    if (!this.write || this.saving) return;
    const snapshot = take();
    if (snapshot === undefined) return;
    const write = this.write;
    this.changedSinceSave = 0;
    this.savedAt = Date.now();
    this.saving = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => write(snapshot))
      .catch((error: unknown) =>
        this.logger.warn(`snapshot not saved: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => (this.saving = undefined));
  }

  /** Resolves once no snapshot is being written. */
  async settled(): Promise<void> {
    await this.saving;
  }
}
