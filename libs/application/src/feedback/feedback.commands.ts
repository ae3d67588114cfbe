import { Command, Query } from '@nestjs/cqrs';
import type {
  FeedbackAbout,
  FeedbackChannel,
  FeedbackDeadlines,
  FeedbackStatus,
  FeedbackStepType,
  StepInput,
} from '@tracker/domain';
import type { Caller, RequestContext } from '../access/caller';

export type ReceiveFeedbackInput = Readonly<{
  id?: string;
  unitId: string;
  receivedAt: string;
  channel: FeedbackChannel;
  about: FeedbackAbout;
  procedureCode?: string;
  dossierCode?: string;
  summary: string;
}>;

export type ReceiveFeedbackResult = Readonly<{
  id: string;
  deadlines: FeedbackDeadlines;
  status: FeedbackStatus;
  revision: number;
}>;

/** `POST /api/feedback`. */
export class ReceiveFeedbackCommand extends Command<ReceiveFeedbackResult> {
  constructor(
    readonly input: ReceiveFeedbackInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}

/** A step as `POST /api/feedback/{id}/events` carries it, validated at the edge against its module's fields. */
export type FeedbackStepInput = StepInput & Readonly<{ type: FeedbackStepType }>;
export type RecordFeedbackStepResult = Readonly<{ status: FeedbackStatus; revision: number }>;

export class RecordFeedbackStepCommand extends Command<RecordFeedbackStepResult> {
  constructor(
    readonly id: string,
    readonly step: FeedbackStepInput,
    readonly context: RequestContext,
  ) {
    super();
  }
}

export type FeedbackView = Readonly<Record<string, unknown> & { id: string }>;

/** `GET /api/feedback/{id}`: the state with its deadlines and history, from the stream. */
export class GetFeedbackQuery extends Query<FeedbackView> {
  constructor(
    readonly id: string,
    readonly caller: Caller,
  ) {
    super();
  }
}
