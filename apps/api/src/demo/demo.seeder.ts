import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  CLOCK,
  CalendarProvider,
  CatalogueReader,
  DecidePublicationCommand,
  DefineProcedureCommand,
  EVENT_STORE,
  ExpectedRevisionConflict,
  type EventStore,
  DefineUnitCommand,
  MakeProcedurePublicCommand,
  ReceiveDossierCommand,
  ReceiveFeedbackCommand,
  RecordDossierStepCommand,
  RecordFeedbackStepCommand,
  StagedCommands,
  type FeedbackStepInput,
  type Caller,
  type Clock,
  type DossierStepInput,
  type ReceiveDossierInput,
  type ReceiveFeedbackInput,
  type RequestContext,
  PORTAL_SYNC_ENABLED,
} from '@tracker/application';
import { civilDateOf, latestApologyAt, type WorkingCalendar } from '@tracker/domain';
import {
  ARTICLE,
  DEFAULT_SCALE,
  DEMO_PROCEDURES,
  DEMO_UNITS,
  type DemoProcedure,
  type DemoUnit,
} from './demo-province';
import { prng } from './prng';

export type DemoSeedOptions = Readonly<{
  /** Share of the article's volume (113,695 dossiers a quarter): 0.1 by default, 1 for the full volume. */
  scale?: number;
  /** Dossiers' appends in flight at once (each dossier's commands are decided in order before). */
  concurrency?: number;
  /** PRNG seed: the same seed and the same `now` build the same province. */
  seed?: number;
  log?: (line: string) => void;
  /** Told after each dossier written: how many of how many, and which part of the year is being written. */
  onProgress?: (progress: DemoSeedProgress) => void;
  /** Awaited once a stage's lives are all written, before the next stage's (`npm start -- --demo` lets the
   * read models take in the board's and the quarter's dossiers before more come). */
  afterStage?: (stage: DemoSeedStage) => Promise<void>;
}>;

/**
 * The parts of the year, in the order they are written: `recent`, the last two weeks' dossiers but those
 * already over after the quarter (the board's open ones); `quarter`, every dossier whose life reaches into the
 * last complete quarter (the scorecard page's default), so its scorecard is final once this part is in;
 * `later`, the rest of the months since (the last two weeks' that are over first); `older`, the rest of the
 * year, newest first.
 */
export type DemoSeedStage = 'recent' | 'quarter' | 'later' | 'older';

export type DemoSeedProgress = Readonly<{
  dossiers: number;
  total: number;
  stage: DemoSeedStage;
  /** The last complete quarter, written in the `quarter` stage: `2026-Q3`. */
  quarter: string;
}>;

export type DemoSeedReport = Readonly<{
  units: number;
  procedures: number;
  dossiers: number;
  refused: number;
  commands: number;
  /** Events written (one append per dossier and per feedback item). */
  events: number;
  online: number;
  late: number;
  pending: number;
  /** Feedback items (PAKN) received, a few per hundred dossiers. */
  feedback: number;
  /** Feedback items marked as a repeat of an earlier one of their unit. */
  repeats: number;
  from: string;
  to: string;
  elapsedMs: number;
}>;

type Profile = Readonly<{
  online: number;
  late: number;
  supplement: number;
  apology: number;
  digitized: number;
  reused: number;
  personalStore: number;
  synced: number;
  eResult: number;
  payOnline: number;
  unsatisfied: number;
}>;

const between = (rnd: () => number, lo: number, hi: number) => lo + (hi - lo) * rnd();

/** Each unit's habits: some offices are quick and digital, some slow and paper-bound. */
export function unitProfile(unit: DemoUnit, index: number): Profile {
  const rnd = prng(7_660 + index * 31);
  const district = unit.level === 'district';
  // Remote mountain districts lag behind the cities.
  const remote = [
    'NAMTRAMY',
    'TAYGIANG',
    'DONGGIANG',
    'NAMGIANG',
    'PHUOCSON',
    'BACTRAMY',
    'HIEPDUC',
    'NONGSON',
  ].includes(unit.id);
  return {
    online: Math.min(0.97, Math.max(0.35, between(rnd, 0.62, 0.92) - (remote ? 0.2 : 0))),
    late: district ? between(rnd, 0.01, remote ? 0.16 : 0.09) : between(rnd, 0.002, 0.07),
    supplement: between(rnd, 0.04, 0.15),
    apology: between(rnd, 0.15, 0.7),
    digitized: Math.max(0.3, between(rnd, 0.55, 0.98) - (remote ? 0.2 : 0)),
    reused: between(rnd, 0.15, 0.6),
    personalStore: between(rnd, 0.03, 0.3),
    synced: between(rnd, 0.86, 0.995),
    eResult: between(rnd, 0.3, 0.95),
    payOnline: Math.max(0.15, between(rnd, 0.35, 0.9) - (remote ? 0.25 : 0)),
    unsatisfied: between(rnd, 0.005, 0.06),
  };
}

/** Feedback items per dossier (the article's province: a few per hundred). */
const FEEDBACK_SHARE = 0.03;
const FEEDBACK_SUMMARIES = {
  dossier: 'Hồ sơ quá hẹn chưa được giải quyết, đề nghị cho biết lý do',
  procedure: 'Thủ tục yêu cầu thêm giấy tờ không có trong quy định',
  staff: 'Thái độ phục vụ của cán bộ tiếp nhận chưa đúng mực',
  other: 'Kiến nghị bố trí thêm chỗ ngồi chờ tại Bộ phận Một cửa',
} as const;

/**
 * The seeding's own stream (under no projection's prefix): when it began, with the instant, scale and seed it
 * builds the province from, and that it finished. A seeding stopped half-way is taken up again from the same
 * three, so the province it completes is the one it began.
 */
export const DEMO_SEEDING_STREAM = 'demo-seeding';

type DemoSeedingStart = Readonly<{ now: string; scale: number; seed: number }>;
type DemoSeedingEvent =
  | Readonly<{ type: 'DemoSeedingStarted'; data: DemoSeedingStart }>
  | Readonly<{ type: 'DemoSeedingFinished'; data: Readonly<{ dossiers: number; refused: number }> }>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

function pickWeighted<T extends { weight: number }>(items: readonly T[], r: number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let x = r * total;
  for (const item of items) {
    x -= item.weight;
    if (x < 0) return item;
  }
  return items[items.length - 1];
}

/**
 * Builds the demo province through the application's own command handlers (the CommandBus the HTTP
 * controllers call, with the same callers' rights): units, the procedure catalogue, then a year of
 * dossiers up to now, each with a realistic life. Each dossier's commands (and its feedback item's) are
 * decided by the same handlers over a staging store, then written with one append per stream (the log takes
 * about a fifth of the appends), in stages (DemoSeedStage): the board's dossiers and the last complete
 * quarter's first, so the pages have them early.
 */
@Injectable()
export class DemoSeeder {
  private readonly logger = new Logger('demo');

  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly catalogue: CatalogueReader,
    private readonly calendars: CalendarProvider,
    @Inject(CLOCK) private readonly clock: Clock,
    /** With the national portal configured the system records `synced`: the demo's clerks do not. */
    @Optional() @Inject(PORTAL_SYNC_ENABLED) private readonly portalSync: boolean = false,
  ) {}

  /**
   * True once the seeding finished. One begun and stopped (the process killed or stopped half-way) is not: the
   * next start takes it up again. A province seeded before the seeding kept its stream counts as seeded once
   * its units exist (the last one defined is the marker).
   */
  async isSeeded(): Promise<boolean> {
    const { begun, finished } = await this.seedingSoFar();
    if (finished) return true;
    if (begun) return false;
    return (await this.catalogue.unit(DEMO_UNITS[DEMO_UNITS.length - 1].id)) !== undefined;
  }

  private async seedingSoFar(): Promise<{ begun?: DemoSeedingStart; finished: boolean }> {
    const { events } = await this.store.readStream<DemoSeedingEvent>(DEMO_SEEDING_STREAM);
    const begun = events.find((e) => e.event.type === 'DemoSeedingStarted')?.event.data as
      DemoSeedingStart | undefined;
    return {
      ...(begun ? { begun } : {}),
      finished: events.some((e) => e.event.type === 'DemoSeedingFinished'),
    };
  }

  private async recordSeeding(event: DemoSeedingEvent, expected: 'no_stream' | 'any'): Promise<void> {
    const id = randomUUID();
    await this.store.appendToStream<DemoSeedingEvent>(
      DEMO_SEEDING_STREAM,
      [{ id, event, metadata: { actor: 'demo-admin', role: 'admin', correlationId: id, causationId: id } }],
      expected,
    );
  }

  async seed(options: DemoSeedOptions = {}): Promise<DemoSeedReport> {
    const started = Date.now();
    const concurrency = options.concurrency ?? 48;
    const log = options.log ?? ((line: string) => this.logger.log(line));
    // A seeding stopped half-way is taken up with its own instant, scale and seed: the same plans, the same
    // codes; the lives it wrote are found in the log (their streams exist) and kept.
    const { begun } = await this.seedingSoFar();
    const scale = begun?.scale ?? options.scale ?? DEFAULT_SCALE;
    const seed = begun?.seed ?? options.seed ?? 766;
    const nowMs = begun ? Date.parse(begun.now) : this.clock.now().getTime();
    if (begun) {
      log(`demo: taking up the seeding begun for ${begun.now} (scale ${scale}); the lives it wrote are kept`);
    } else {
      await this.recordSeeding(
        { type: 'DemoSeedingStarted', data: { now: iso(nowMs), scale, seed } },
        'no_stream',
      );
    }
    const fromMs = nowMs - 365 * DAY;
    const admin: Caller = { subject: 'demo-admin', role: 'admin', units: [] };
    const ctx = (caller: Caller, correlationId: string): RequestContext => ({ caller, correlationId });

    // The catalogue first (each dossier needs it); the year's plans, CPU only, are drawn while its appends are
    // in flight (see below).
    const defineCatalogue = async () => {
      // Each unit, procedure and decision is a stream of its own: each group is defined at once (the
      // appends go together), in the order they depend on each other. The last unit (isSeeded's marker) last.
      const defineUnit = (u: DemoUnit) =>
        this.commands.execute(
          new DefineUnitCommand({ unitId: u.id, name: u.name, level: u.level }, ctx(admin, 'demo-units')),
        );
      await Promise.all(DEMO_UNITS.slice(0, -1).map(defineUnit));
      await defineUnit(DEMO_UNITS[DEMO_UNITS.length - 1]);
      const districts = DEMO_UNITS.filter((u) => u.level === 'district').map((u) => u.id);
      // Three communes per district (6.5a), most offering electronic certified copies from some day of the year.
      const communes = districts.flatMap((district, d) => [1, 2, 3].map((k) => ({ district, d, k })));
      await Promise.all(
        communes.map(({ district, d, k }) => {
          const offers = (d * 3 + k) % 5 < 3;
          return this.commands.execute(
            new DefineUnitCommand(
              {
                unitId: `${district}_X${k}`,
                name: `Xã ${k}, ${DEMO_UNITS.find((u) => u.id === district)!.name}`,
                level: 'commune',
                parentId: district,
                ...(offers
                  ? {
                      electronicCertifiedCopySince: civilDateOf(
                        iso(fromMs + ((d * 37 + k * 53) % 300) * DAY),
                      ),
                    }
                  : {}),
              },
              ctx(admin, 'demo-units'),
            ),
          );
        }),
      );
      const effectiveFrom = iso(fromMs - 30 * DAY);
      const ALL_SEVEN = ['name', 'steps', 'methods', 'dossier', 'timeLimit', 'subjects', 'agency'] as const;
      await Promise.all(
        DEMO_PROCEDURES.map((p, i) =>
          this.commands.execute(
            new DefineProcedureCommand(
              {
                code: p.code,
                name: p.name,
                units: p.unit
                  ? [p.unit]
                  : [...districts, ...districts.flatMap((d) => [1, 2, 3].map((k) => `${d}_X${k}`))],
                timeLimit: p.timeLimit,
                onlineLevel: p.onlineLevel,
                feeRequired: p.fee > 0,
                requiresWrittenResult: p.requiresWrittenResult,
                // Department procedures are partly for organisations only; a few lack a public component (1.3).
                forCitizens: p.level === 'district' || i % 3 !== 0,
                publicComponents: i % 6 === 5 ? ALL_SEVEN.slice(0, 6) : [...ALL_SEVEN],
                effectiveFrom,
              },
              ctx(admin, 'demo-catalogue'),
            ),
          ),
        ),
      );
      // Publication decisions over the catalogue during the year (1.1, 1.2): most decided and made public on
      // time, some late, a few items not made public yet.
      const decisions = Array.from({ length: Math.ceil(DEMO_PROCEDURES.length / 4) }, (_, d) => d);
      const decidePublication = async (d: number) => {
        const decidedMs = fromMs + ((d * 41) % 330) * DAY;
        const decidedOn = civilDateOf(iso(decidedMs));
        const items = DEMO_PROCEDURES.slice(d * 4, d * 4 + 4).map((p, k) => ({
          procedureCode: p.code,
          change: k === 0 && d % 3 === 0 ? ('new' as const) : ('amended' as const),
        }));
        const id = `QD_DEMO_${d + 1}`;
        await this.commands.execute(
          new DecidePublicationCommand(
            {
              publicationId: id,
              decisionNo: `${100 + d * 7}/QĐ-UBND`,
              decidedOn,
              basisEffectiveOn: civilDateOf(iso(decidedMs + (d % 5 === 4 ? 3 : 20) * DAY)),
              items,
            },
            ctx(admin, 'demo-publications'),
          ),
        );
        for (const [k, item] of items.entries()) {
          const lag = (d + k) % 9 === 8 ? null : (d + k) % 7 === 6 ? 12 : 1 + ((d + k) % 4);
          if (lag === null || decidedMs + lag * DAY > nowMs) continue;
          await this.commands.execute(
            new MakeProcedurePublicCommand(
              {
                publicationId: id,
                procedureCode: item.procedureCode,
                madePublicOn: civilDateOf(iso(decidedMs + lag * DAY)),
              },
              ctx(admin, 'demo-publications'),
            ),
          );
        }
      };
      await Promise.all(decisions.map(decidePublication));
      log(
        `demo: ${DEMO_UNITS.length} units, ${communes.length} communes, ${DEMO_PROCEDURES.length} procedures, ${decisions.length} publication decisions defined`,
      );
    };
    const cataloguing = defineCatalogue();
    // Awaited once the plans are drawn: a failure meanwhile is not an unhandled rejection.
    cataloguing.catch(() => undefined);

    const { calendar } = await this.calendars.current(new Date(nowMs));
    const profiles = new Map(DEMO_UNITS.map((u, i) => [u.id, unitProfile(u, i)] as const));
    const proceduresOf = new Map(
      DEMO_UNITS.map((u) => [
        u.id,
        DEMO_PROCEDURES.filter((p) => (p.unit ? p.unit === u.id : u.level === 'district')),
      ]),
    );
    // Online share among the unit's online-capable dossiers, so the unit's overall share meets its profile.
    const capable = new Map(
      DEMO_UNITS.map((u) => {
        const ps = proceduresOf.get(u.id)!;
        const all = ps.reduce((s, p) => s + p.weight, 0);
        const on = ps.filter((p) => p.onlineLevel !== 'none').reduce((s, p) => s + p.weight, 0);
        return [u.id, on / all] as const;
      }),
    );

    const total = Math.max(1, Math.round(ARTICLE.dossiersPerQuarter * 4 * scale));
    let refused = 0;
    let kept = 0;
    let commands = 0;
    let online = 0;
    let late = 0;
    let pending = 0;
    let feedback = 0;
    let repeats = 0;
    let events = 0;
    let done = 0;
    let logged = 0;
    const refuse = (what: string, error: Error) => {
      refused++;
      if (refused <= 20) log(`demo: ${what} refused: ${error.message}`);
    };

    const sequences = new Map<string, number>();
    const plan = (n: number) => {
      const rnd = prng(seed * 1_000_003 + n);
      const picked = pickWeighted(DEMO_UNITS, rnd());
      const profile = profiles.get(picked.id)!;
      const procedure = pickWeighted(proceduresOf.get(picked.id)!, rnd());
      // Two in five of a district's dossiers go to one of its communes, with the district's habits (by n, so
      // the rest of the life is drawn as before): communes are scored on dossiers of their own.
      const unit =
        picked.level === 'district' && n % 5 < 2 ? { ...picked, id: `${picked.id}_X${1 + (n % 3)}` } : picked;
      // A working day in the year, during office hours.
      let day = fromMs + Math.floor(rnd() * 365) * DAY;
      for (let i = 0; i < 7 && !calendar.isWorkingDay(civilDateOf(iso(day))); i++) day += DAY;
      const local = new Date(day + 7 * HOUR);
      const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - 7 * HOUR;
      const minute = rnd() < 0.5 ? 450 + Math.floor(rnd() * 240) : 810 + Math.floor(rnd() * 210);
      const receivedMs = Math.min(nowMs - 10 * 60_000, midnight + minute * 60_000);
      const isOnline =
        procedure.onlineLevel !== 'none' && rnd() < Math.min(1, profile.online / capable.get(picked.id)!);
      // Codes are numbered per unit and day in plan order, whatever order the dossiers are written in.
      const key = `${unit.id}-${civilDateOf(iso(receivedMs)).slice(2).replace(/-/g, '')}`;
      const seq = (sequences.get(key) ?? 0) + 1;
      sequences.set(key, seq);
      const code = `${key}-${String(seq).padStart(4, '0')}`;
      return { n, rnd, unit, profile, procedure, receivedMs, isOnline, code };
    };
    type Plan = ReturnType<typeof plan>;
    const plans: Plan[] = [];
    for (let n = 0; n < total; n++) {
      plans.push(plan(n));
      // Now and then the catalogue's appends move on.
      if (n % 2_000 === 1_999) await new Promise((resolve) => setImmediate(resolve));
    }
    await cataloguing;
    // The order of writing (see DemoSeedStage). Vietnam time: quarters start at 00:00 UTC+7.
    const monthOf = (ms: number) => {
      const local = new Date(ms + 7 * HOUR);
      return local.getUTCFullYear() * 12 + local.getUTCMonth();
    };
    const monthStartMs = (month: number) => Date.UTC(Math.floor(month / 12), month % 12, 1) - 7 * HOUR;
    const quarterEndMonth = monthOf(nowMs) - (monthOf(nowMs) % 3);
    const quarter = {
      name: `${Math.floor((quarterEndMonth - 3) / 12)}-Q${((quarterEndMonth - 3) % 12) / 3 + 1}`,
      startMs: monthStartMs(quarterEndMonth - 3),
      endMs: monthStartMs(quarterEndMonth),
    };
    // A life lasts at most about two months (30 working days, supplements, lateness; a feedback item's
    // answer): dossiers received up to three months before the quarter are decided with it, and those whose
    // life ends before it are kept aside for the `older` stage.
    const lookbackMs = monthStartMs(quarterEndMonth - 6);
    const recentMs = nowMs - 14 * DAY;
    const stageOf = (p: Plan): DemoSeedStage =>
      p.receivedMs >= recentMs
        ? 'recent'
        : p.receivedMs >= lookbackMs && p.receivedMs < quarter.endMs
          ? 'quarter'
          : p.receivedMs >= quarter.endMs
            ? 'later'
            : 'older';
    const STAGES: readonly DemoSeedStage[] = ['recent', 'quarter', 'later', 'older'];
    // Within a stage, the newest month first (the plan's order within a month).
    const order = plans
      .map((p) => ({ p, stage: STAGES.indexOf(stageOf(p)), month: monthOf(p.receivedMs) }))
      .sort((a, b) => a.stage - b.stage || b.month - a.month || a.p.n - b.p.n)
      .map(({ p }) => p);

    const clerkOf = (unit: DemoUnit): Caller => ({
      subject: `mot-cua.${unit.id.toLowerCase()}`,
      role: 'clerk',
      units: [unit.id],
    });
    const headOf = (unit: DemoUnit): Caller => ({
      subject: `lanh-dao.${unit.id.toLowerCase()}`,
      role: 'supervisor',
      units: [unit.id],
    });
    const stagedDeps = {
      clock: this.clock,
      catalogue: this.catalogue,
      calendars: this.calendars,
      portalSync: this.portalSync,
    };
    /** Feedback items decided so far, per unit: a later one may be marked a repeat of an earlier one. */
    const feedbackOf = new Map<string, { id: string; receivedMs: number }[]>();

    /**
     * One dossier's life (and its feedback item, if any), every command decided by the API's handlers in
     * order over a staging store, nothing written yet; `lastMs`, the life's last step as planned (in the
     * future for a dossier or item still open).
     */
    type Decided = { batch: StagedCommands; lastMs: number };
    const decide = async (p: Plan): Promise<Decided | undefined> => {
      const { rnd, unit, profile, procedure, receivedMs, isOnline, code } = p;
      const batch = new StagedCommands(stagedDeps);
      const clerk = ctx(clerkOf(unit), `demo-${code}`);
      const input: ReceiveDossierInput = {
        code,
        unitId: unit.id,
        procedureCode: procedure.code,
        channel: isOnline ? 'online' : rnd() < 0.85 ? 'in-person' : 'postal',
        ...(isOnline ? { onlineLevel: procedure.onlineLevel === 'full' ? 'full' : 'partial' } : {}),
        receivedAt: iso(receivedMs),
        feeAmount: procedure.fee,
        // How the applicant was identified (6.5b, 6.5c): a share that differs by unit, not drawn from rnd
        // so the rest of the dossier's life is unchanged.
        identifiedThrough: identificationOf(p.n, unit.id),
      };
      let dueMs: number;
      commands++;
      try {
        const receipt = await batch.execute(new ReceiveDossierCommand(input, clerk));
        dueMs = Date.parse(receipt.dueAt);
      } catch (error) {
        refuse(code, error as Error);
        return undefined;
      }
      if (isOnline) online++;
      const steps = this.life(procedure, profile, rnd, receivedMs, dueMs, calendar);
      if (steps.late) late++;
      const lastOf = (list: readonly { occurredAt: string }[]) =>
        list.reduce((last, step) => Math.max(last, Date.parse(step.occurredAt)), receivedMs);
      let lastMs = lastOf(steps.list);
      let finished = false;
      for (const step of steps.list) {
        if (Date.parse(step.occurredAt) > nowMs - 60_000) continue; // not happened yet
        const caller = step.type === 'apology-issued' ? ctx(headOf(unit), `demo-${code}`) : clerk;
        commands++;
        try {
          await batch.execute(new RecordDossierStepCommand(code, step, caller));
          if (['processed', 'stopped', 'withdrawn'].includes(step.type)) finished = true;
        } catch (error) {
          refuse(`${code} ${step.type}`, error as Error);
        }
      }
      if (!finished) pending++;
      // A few dossiers in a hundred draw a feedback item (PAKN): about the dossier, its procedure or a clerk.
      if (rnd() < FEEDBACK_SHARE) {
        const id = `PAKN-${code}`;
        const items = this.feedbackLife(id, code, procedure, unit, profile, rnd, receivedMs, nowMs);
        commands++;
        const received = await batch
          .execute(new ReceiveFeedbackCommand(items.receipt, ctx(clerkOf(unit), `demo-${id}`)))
          .then(
            () => true,
            (error: Error) => {
              refuse(id, error);
              return false;
            },
          );
        if (!received) return { batch, lastMs };
        feedback++;
        const itemMs = Date.parse(items.receipt.receivedAt);
        const ofUnit = feedbackOf.get(unit.id) ?? [];
        const earlier = ofUnit.filter((f) => f.receivedMs < itemMs);
        ofUnit.push({ id, receivedMs: itemMs });
        feedbackOf.set(unit.id, ofUnit);
        // A repeat of an item received before it (the latest one decided so far), marked on receipt by the
        // receiving unit, before the item is forwarded anywhere.
        if (earlier.length > 0 && rnd() < 0.1) {
          repeats++;
          items.steps.unshift({
            holder: unit,
            step: {
              type: 'marked-repeat',
              occurredAt: items.receipt.receivedAt,
              of: earlier.reduce((a, b) => (b.receivedMs > a.receivedMs ? b : a)).id,
            } as FeedbackStepInput,
          });
        }
        lastMs = Math.max(lastMs, lastOf(items.steps.map(({ step }) => step)));
        for (const { holder, step } of items.steps) {
          if (Date.parse(step.occurredAt) > nowMs - 60_000) continue; // not happened yet
          commands++;
          try {
            await batch.execute(new RecordFeedbackStepCommand(id, step, ctx(clerkOf(holder), `demo-${id}`)));
          } catch (error) {
            refuse(`${id} ${step.type}`, error as Error);
          }
        }
      }
      return { batch, lastMs };
    };

    let stage: DemoSeedStage = STAGES[0];
    const progress = (month: number) => {
      options.onProgress?.({ dossiers: done, total, stage, quarter: quarter.name });
      // A line at each tenth of the way (the last one is the report).
      const tenth = Math.floor((done / total) * 10);
      if (tenth <= logged || done === total) return;
      logged = tenth;
      const s = (Date.now() - started) / 1000;
      log(
        `demo: ${done}/${total} dossiers (${tenth * 10} %; ${stageName(stage, quarter.name)}, now ${monthName(month)}), ` +
          `${events} events in ${s.toFixed(1)} s, ${Math.round(commands / s)} commands/s`,
      );
    };
    /** Writes one life: one append per stream (the dossier's, its feedback item's). */
    const commit = async (batch: StagedCommands | undefined, p: Plan): Promise<void> => {
      if (batch) {
        const results = await batch.commitTo(this.store);
        for (const [stream, result] of results) {
          // Taken up again: a stream already there was written by the seeding that began it.
          if (begun && result instanceof ExpectedRevisionConflict) kept++;
          else if (result instanceof Error) refuse(stream, result);
          // Only what this run wrote: each stream is one append from revision 0.
          else events += Number(result.nextExpectedRevision) + 1;
        }
      }
      done++;
      progress(monthOf(p.receivedMs));
    };

    // Deciding is CPU work, one life at a time in a fixed order (so the same seed decides the same facts);
    // the appends run behind it, up to `concurrency` at once (the event store commits them together).
    const writing = new Set<Promise<void>>();
    let queued = 0;
    const write = async (batch: StagedCommands | undefined, p: Plan) => {
      const written = commit(batch, p).finally(() => writing.delete(written));
      writing.add(written);
      if (writing.size >= concurrency) await Promise.race(writing);
      // Let the HTTP server and the projections in this process have the event loop now and then.
      else if (++queued % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    };
    /**
     * Lives decided in one stage and written at the start of a later one (in the order decided): the last two
     * weeks' that are over and after the quarter (not on the board, not in the quarter's scorecard) with
     * `later`; the quarter's that end before it with `older`.
     */
    const held = new Map<DemoSeedStage, { batch: StagedCommands; p: Plan }[]>([
      ['later', []],
      ['older', []],
    ]);
    const heldFor = (of: DemoSeedStage, p: Plan, decided: Decided): DemoSeedStage | undefined => {
      if (of === 'recent' && p.receivedMs >= quarter.endMs && decided.lastMs <= nowMs - 60_000)
        return 'later';
      if (of === 'quarter' && decided.lastMs < quarter.startMs) return 'older';
      return undefined;
    };
    /** Moves on stage by stage up to `next`, each stage's held lives written first. */
    const enter = async (next: DemoSeedStage) => {
      while (stage !== next) {
        await Promise.all(writing);
        await options.afterStage?.(stage);
        stage = STAGES[STAGES.indexOf(stage) + 1];
        const lives = held.get(stage) ?? [];
        held.delete(stage);
        for (const { batch, p } of lives) await write(batch, p);
      }
    };
    for (const p of order) {
      const of = stageOf(p);
      await enter(of);
      const decided = await decide(p);
      const later = decided && heldFor(of, p, decided);
      if (later) held.get(later)!.push({ ...decided, p });
      else await write(decided?.batch, p);
    }
    await enter('older');
    await Promise.all(writing);
    await options.afterStage?.(stage);
    const report: DemoSeedReport = {
      units: DEMO_UNITS.length,
      procedures: DEMO_PROCEDURES.length,
      dossiers: done,
      refused,
      commands,
      events,
      online,
      late,
      pending,
      feedback,
      repeats,
      from: iso(fromMs),
      to: iso(nowMs),
      elapsedMs: Date.now() - started,
    };
    await this.recordSeeding(
      { type: 'DemoSeedingFinished', data: { dossiers: report.dossiers, refused } },
      'any',
    );
    log(
      `demo: ${report.dossiers} dossiers (${((online / Math.max(1, done)) * 100).toFixed(1)} % online, ${late} late, ${pending} still open, ${feedback} feedback items), ${commands} commands, ${events} events, ${refused} refused${begun ? `, ${kept} streams already written` : ''}, in ${(report.elapsedMs / 1000).toFixed(1)} s`,
    );
    return report;
  }

  /** One feedback item's receipt and steps (with the unit holding it at each), in occurredAt order: most are
   * answered and published in time, some late (more where the unit's dossiers are), some forwarded to the unit
   * competent for them, rejected or returned, some sent back for more information; about a third are rated. */
  private feedbackLife(
    id: string,
    dossierCode: string,
    procedure: DemoProcedure,
    unit: DemoUnit,
    profile: Profile,
    rnd: () => number,
    dossierReceivedMs: number,
    nowMs: number,
  ): { receipt: ReceiveFeedbackInput; steps: { holder: DemoUnit; step: FeedbackStepInput }[] } {
    const receivedMs = Math.min(nowMs - 2 * HOUR, dossierReceivedMs + (1 + Math.floor(rnd() * 10)) * DAY);
    const about = pickWeighted(
      [
        { about: 'dossier' as const, weight: 55 },
        { about: 'procedure' as const, weight: 25 },
        { about: 'staff' as const, weight: 15 },
        { about: 'other' as const, weight: 5 },
      ],
      rnd(),
    ).about;
    const channel = pickWeighted(
      [
        { channel: 'national-portal' as const, weight: 45 },
        { channel: 'provincial-portal' as const, weight: 15 },
        { channel: 'in-person' as const, weight: 15 },
        { channel: 'phone' as const, weight: 15 },
        { channel: 'mail' as const, weight: 10 },
      ],
      rnd(),
    ).channel;
    const receipt: ReceiveFeedbackInput = {
      id,
      unitId: unit.id,
      receivedAt: iso(receivedMs),
      channel,
      about,
      ...(about === 'dossier' ? { dossierCode } : {}),
      ...(about === 'procedure' ? { procedureCode: procedure.code } : {}),
      summary: FEEDBACK_SUMMARIES[about],
    };
    const steps: { holder: DemoUnit; step: FeedbackStepInput }[] = [];
    const at = (
      holder: DemoUnit,
      type: FeedbackStepInput['type'],
      ms: number,
      fields: Record<string, unknown> = {},
    ) => steps.push({ holder, step: { type, occurredAt: iso(ms), ...fields } as FeedbackStepInput });
    let holder = unit;
    let t = receivedMs + (2 + Math.floor(rnd() * 20)) * HOUR;
    const path = rnd();
    if (path < 0.03) {
      at(holder, 'rejected', t, {
        reason: 'Nội dung không thuộc phạm vi tiếp nhận (nặc danh, không rõ địa chỉ)',
      });
      return { receipt, steps };
    }
    if (path < 0.06) {
      at(holder, 'returned', t, { reason: 'Không thuộc thẩm quyền giải quyết của đơn vị' });
      return { receipt, steps };
    }
    if (path < 0.14) {
      const others = DEMO_UNITS.filter((u) => u.id !== unit.id && u.level === unit.level);
      holder = others[Math.floor(rnd() * others.length)] ?? unit;
      if (holder !== unit) {
        at(unit, 'forwarded', t, { toUnitId: holder.id, reason: 'Chuyển đơn vị có thẩm quyền' });
        t += (1 + Math.floor(rnd() * 24)) * HOUR;
      }
    }
    if (rnd() < 0.15) {
      at(holder, 'information-requested', t, {
        reason: 'Đề nghị cung cấp thêm thông tin, giấy tờ liên quan',
      });
      t += (1 + Math.floor(rnd() * 5)) * DAY;
      at(holder, 'information-received', t);
    }
    const late = rnd() < Math.min(0.5, profile.late * 3 + 0.03);
    const answeredMs = Math.max(
      t + HOUR,
      late ? receivedMs + (24 + Math.floor(rnd() * 20)) * DAY : t + (1 + Math.floor(rnd() * 11)) * DAY,
    );
    at(holder, 'answered', answeredMs, { summary: 'Đã xem xét, trả lời và hướng dẫn công dân' });
    const publishedMs = answeredMs + (rnd() < 0.1 ? 5 * DAY : HOUR * (2 + Math.floor(rnd() * 20)));
    at(holder, 'answer-published', publishedMs);
    if (rnd() < 0.35) {
      const unsatisfied = rnd() < (late ? 0.5 : 0.12);
      at(holder, 'rated', publishedMs + (1 + Math.floor(rnd() * 3)) * DAY, { satisfied: !unsatisfied });
    }
    return { receipt, steps };
  }

  /** One dossier's steps after receipt, in occurredAt order. */
  private life(
    procedure: DemoProcedure,
    profile: Profile,
    rnd: () => number,
    receivedMs: number,
    dueMs: number,
    calendar: WorkingCalendar,
  ): { late: boolean; list: DossierStepInput[] } {
    const list: DossierStepInput[] = [];
    const at = (type: DossierStepInput['type'], ms: number, fields: Partial<DossierStepInput> = {}) =>
      list.push({ type, occurredAt: iso(ms), ...fields } as DossierStepInput);
    const span = dueMs - receivedMs;
    if (rnd() < profile.digitized)
      at('input-digitized', receivedMs + 10 * 60_000, {
        reused: rnd() < profile.reused,
        fromPersonalStore: rnd() < profile.personalStore,
      });
    if (rnd() < profile.synced && !this.portalSync) at('synced', receivedMs + 30 * 60_000);
    const paysOnline = procedure.fee > 0 && rnd() < profile.payOnline;
    if (procedure.fee > 0) {
      if (paysOnline)
        at('paid-online', receivedMs + 20 * 60_000, {
          amount: procedure.fee,
          gateway: rnd() < 0.7 ? 'national' : 'provincial',
        });
      else at('paid-offline', receivedMs + 20 * 60_000, { amount: procedure.fee });
    }
    // Supplement rounds: the citizen's time, which moves the office's deadline on.
    let citizenMs = 0;
    let t = receivedMs + Math.max(HOUR, span * 0.2 * rnd());
    const rounds = rnd() < profile.supplement ? (rnd() < 0.12 ? 2 : 1) : 0;
    for (let r = 0; r < rounds; r++) {
      at('supplement-requested', t, {
        reason: 'Thiếu bản sao giấy tờ tùy thân / cần bổ sung thành phần hồ sơ',
      });
      const wait = (1 + Math.floor(rnd() * 6)) * DAY + Math.floor(rnd() * 8) * HOUR;
      t += wait;
      citizenMs += wait;
      at('supplement-received', t);
      t += HOUR;
    }
    const late = rounds > 1 || rnd() < profile.late;
    const endMs = late
      ? dueMs + citizenMs + HOUR * (2 + Math.floor(rnd() * 24 * 8))
      : Math.max(t + 30 * 60_000, receivedMs + citizenMs + span * between(rnd, 0.25, 0.95));
    if (late && rounds === 0 && rnd() < profile.apology) {
      const latest = Date.parse(latestApologyAt(iso(dueMs), calendar));
      if (latest > receivedMs + HOUR)
        at('apology-issued', latest - 30 * 60_000, {
          reason: 'Cần xác minh thực địa, lấy ý kiến cơ quan liên quan',
          newDueAt: iso(dueMs + 5 * DAY),
          signedBy: 'Thủ trưởng đơn vị',
        });
    }
    const ending = rnd();
    if (ending < 0.008) at('withdrawn', endMs, { reason: 'Công dân rút hồ sơ' });
    else if (ending < 0.015) at('stopped', endMs, { reason: 'Hồ sơ không đủ điều kiện giải quyết' });
    else {
      at('processed', endMs, { outcome: rnd() < 0.97 ? 'approved' : 'denied' });
      const eResult = procedure.requiresWrittenResult && rnd() < profile.eResult;
      if (eResult) at('result-issued-electronically', endMs + 5 * 60_000);
      const returned = !eResult && rnd() < 0.2;
      if (returned) at('result-returned', endMs + 2 * HOUR);
      // A rating needs a result in the citizen's hands.
      if ((eResult || returned) && rnd() < 0.15)
        at('satisfaction-rated', endMs + 3 * HOUR, { satisfied: rnd() >= profile.unsatisfied * 4 });
    }
    list.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    return { late, list };
  }
}

/** What a stage writes, for the console: its name alone ("quarter: 2026-06") read as a misnamed month. */
const stageName = (stage: DemoSeedStage, quarter: string): string =>
  ({
    recent: 'the last two weeks',
    quarter: `the dossiers reaching into ${quarter}`,
    later: `the months after ${quarter}`,
    older: 'the rest of the year',
  })[stage];

/** `2026-11` for a month counted as year * 12 + month index. */
const monthName = (month: number) => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;

/** vneid / population-database for 35–90 % of a unit's dossiers (by a hash of its id), else papers. */
function identificationOf(n: number, unitId: string): 'vneid' | 'population-database' | 'papers' {
  let h = 0;
  for (const c of unitId) h = (h * 31 + c.charCodeAt(0)) % 1009;
  const share = 35 + (h % 56);
  const x = (n * 7919 + h) % 100;
  return x < share * 0.7 ? 'vneid' : x < share ? 'population-database' : 'papers';
}
