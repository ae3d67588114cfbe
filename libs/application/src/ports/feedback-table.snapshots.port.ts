import type { FeedbackFacts } from '@tracker/domain';

export const FEEDBACK_TABLE_SNAPSHOTS = Symbol('FEEDBACK_TABLE_SNAPSHOTS');

/** The feedback items' facts as a reader held them, and the feedback-facts generation and change-log
 * cursor they are current to. */
export type FeedbackTableSnapshot = Readonly<{
  generation: number;
  cursor: string;
  facts: readonly FeedbackFacts[];
}>;

/** Where the scorecard's feedback items are kept between starts, to be loaded in one read. */
export interface FeedbackTableSnapshots {
  /** The last snapshot of the active generation; undefined when there is none or it cannot be read whole. */
  load(): Promise<FeedbackTableSnapshot | undefined>;
  save(snapshot: FeedbackTableSnapshot): Promise<void>;
}
