// Why a dossier is (or was) late, for the dossier page: judged by the score's own rule (dossier.on-time.ts),
// so the page never disagrees with the scorecard (while a first supplement request is open the clock is
// stopped: the citizen's time does not make the dossier late).
import {
  addDays,
  civilDateOf,
  dayOfWeek,
  instantFromMs,
  instantMs,
  judgeOnTime,
  onTimeMsFacts,
  workingMsBetween,
  type Dossier,
  type WorkingCalendar,
} from '@tracker/domain';

/** Working time from `now` to `due`, negative once `due` has passed (how far behind in working time). */
export function signedWorkingMs(now: string, due: string, calendar: WorkingCalendar): number {
  return Date.parse(due) >= Date.parse(now)
    ? workingMsBetween(now, due, calendar)
    : -workingMsBetween(due, now, calendar);
}

/** Days in [from, to] (civil dates, Vietnam) that a plain Mon–Fri week would work but the calendar does
 * not, and the reverse. */
export function calendarExceptions(
  from: string,
  to: string,
  calendar: WorkingCalendar,
): { holidays: string[]; workingWeekends: string[] } {
  const holidays: string[] = [];
  const workingWeekends: string[] = [];
  const last = civilDateOf(to);
  for (let d = civilDateOf(from), n = 0; d <= last && n < 800; d = addDays(d, 1), n++) {
    const weekday = dayOfWeek(d) >= 1 && dayOfWeek(d) <= 5;
    const working = calendar.isWorkingDay(d);
    if (weekday && !working) holidays.push(d);
    if (!weekday && working) workingWeekends.push(d);
  }
  return { holidays, workingWeekends };
}

export type ExplainReason = Readonly<{ kind: 'supplement' | 'holidays' | 'apology' | 'late'; text: string }>;

const hours = (ms: number) => (Math.round((ms / 3_600_000) * 10) / 10).toLocaleString('vi-VN');

/** The explanation at `now` (the instant the dossier is judged at: its finish, or now while unfinished). */
export function explainDossier(state: Dossier, calendar: WorkingCalendar, now: string) {
  const end = state.finishedAt ?? now;
  // SCORING.md's verdict at `end`, with its parts: E (the clock stops while a first request is open),
  // S (closed supplement time before E), E − S judged against the original due date.
  const verdict = judgeOnTime(onTimeMsFacts(state), instantMs(end, 'end'));
  const judgedEnd = instantFromMs(verdict.judgedMs);
  const dueMs = instantMs(state.dueAt, 'dueAt');
  const span = calendarExceptions(state.receivedAt, Date.parse(end) > dueMs ? end : state.dueAt, calendar);
  const reasons: ExplainReason[] = [];
  if (state.supplementRequests > 0)
    reasons.push({
      kind: 'supplement',
      text: `${state.supplementRequests} lần yêu cầu bổ sung (supplement), ${hours(state.supplementMs)} giờ thuộc về công dân${state.supplementRequests > 1 ? '; hơn một lần bổ sung nên hồ sơ bị tính là trễ hạn' : ''}`,
    });
  if (span.holidays.length)
    reasons.push({
      kind: 'holidays',
      text: `${span.holidays.length} ngày nghỉ lễ (holidays) trong thời gian giải quyết: ${span.holidays.join(', ')}`,
    });
  if (state.apology)
    reasons.push({
      kind: 'apology',
      text: `Đã có phiếu xin lỗi (apology), hẹn lại ${state.rescheduledDueAt ?? ''}: ${state.apology.reason}`,
    });
  const overByMs = verdict.judgedMs > dueMs ? workingMsBetween(state.dueAt, judgedEnd, calendar) : 0;
  if (overByMs > 0)
    reasons.push({
      kind: 'late',
      text: `Quá hạn ${hours(overByMs)} giờ làm việc so với ngày hẹn trả ban đầu`,
    });
  return {
    code: state.code,
    now,
    receivedAt: state.receivedAt,
    dueAt: state.dueAt,
    rescheduledDueAt: state.rescheduledDueAt,
    effectiveDueAt: state.effectiveDueAt,
    finishedAt: state.finishedAt,
    overdue: state.overdue,
    /** The final verdict (null while unfinished). */
    onTime: state.onTime,
    /** The score's verdict at `end` (finishedAt, or now): what the scorecard counts for this dossier. */
    verdict: {
      at: end,
      onTime: verdict.onTime,
      judgedAt: judgedEnd,
      supplementMs: verdict.supplementMs,
      requests: verdict.requests,
      clockStopped: state.finishedAt === null && verdict.endMs < instantMs(now, 'now'),
    },
    supplement: { requests: state.supplementRequests, totalMs: state.supplementMs },
    holidays: span.holidays,
    workingWeekends: span.workingWeekends,
    apology: state.apology,
    allowedWorkingMs: workingMsBetween(state.receivedAt, state.dueAt, calendar),
    usedWorkingMs: workingMsBetween(state.receivedAt, judgedEnd, calendar),
    workingMsLeft: state.finishedAt ? null : signedWorkingMs(now, state.effectiveDueAt, calendar),
    overByWorkingMs: overByMs,
    reasons,
  };
}

export type DossierExplanation = ReturnType<typeof explainDossier>;
