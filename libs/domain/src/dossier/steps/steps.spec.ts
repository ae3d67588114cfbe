// The step modules as one table: every layer derives its per-step rules from them, so the table itself must
// be complete and consistent.
import {
  DOSSIER_EVENT_LABELS,
  DOSSIER_EVENT_TYPES,
  DOSSIER_FACTS_EVENT_TYPES,
  DOSSIER_STEP_TYPES,
  DOSSIER_STEPS,
  DomainError,
  defaultVietnamCalendar,
  dossierStep,
  stepOfCommand,
  stepOfEvent,
  type StepInput,
} from '@tracker/domain';

const meta = {
  occurredAt: '2025-03-04T09:00:00+07:00',
  now: '2025-03-04T10:00:00+07:00',
  actor: { subject: 'head-1', role: 'supervisor' as const, units: ['U01'] },
};

/** A valid input for every field spec. */
const sample = (type: string): StepInput => {
  const input: Record<string, unknown> = { type, occurredAt: meta.occurredAt };
  for (const [name, spec] of Object.entries(dossierStep(type as never).fields)) {
    input[name] = {
      text: 'lý do',
      'unit-id': 'U02',
      enum: spec.kind === 'enum' ? spec.values[0] : undefined,
      instant: '2025-03-20T09:00:00+07:00',
      boolean: true,
      amount: 50_000,
      'text-list': ['giấy phép'],
      json: { any: 'value' },
    }[spec.kind];
  }
  return input as StepInput;
};

describe('dossier step modules', () => {
  it('are one per step type, with their own command and event', () => {
    expect(new Set(DOSSIER_STEPS.map((s) => s.type)).size).toBe(DOSSIER_STEPS.length);
    // The system's own steps are no API type.
    expect(DOSSIER_STEP_TYPES).not.toContain('status-synced');
    expect(DOSSIER_STEP_TYPES).toHaveLength(DOSSIER_STEPS.length - 1);
    expect(new Set(DOSSIER_STEPS.map((s) => s.command)).size).toBe(DOSSIER_STEPS.length);
    expect(new Set(DOSSIER_STEPS.map((s) => s.event)).size).toBe(DOSSIER_STEPS.length);
    for (const step of DOSSIER_STEPS) {
      expect(stepOfCommand(step.command)).toBe(step);
      expect(stepOfEvent(step.event)).toBe(step);
    }
    expect(stepOfCommand('ReceiveDossier')).toBeUndefined();
    expect(stepOfEvent('DossierBecameOverdue')).toBeUndefined();
  });

  it.each(DOSSIER_STEP_TYPES.map((t) => [t]))('%s: input → command → event', (type) => {
    const step = dossierStep(type as never);
    const command = step.toCommand(sample(type), meta, { calendar: defaultVietnamCalendar() });
    expect(command.type).toBe(step.command);
    const event = step.toEvent(command);
    expect(event.type).toBe(step.event);
    expect(event.data.occurredAt).toBe(meta.occurredAt);
  });

  it('refuses an input without a required field or with a field of the wrong kind', () => {
    const processed = dossierStep('processed');
    expect(() => processed.toCommand({ type: 'processed', occurredAt: meta.occurredAt }, meta, {})).toThrow(
      DomainError,
    );
    expect(() =>
      processed.toCommand({ type: 'processed', occurredAt: meta.occurredAt, outcome: 'maybe' }, meta, {}),
    ).toThrow(/outcome/);
    // Optional fields may be left out.
    expect(
      dossierStep('withdrawn').toCommand({ type: 'withdrawn', occurredAt: meta.occurredAt }, meta, {}).data,
    ).not.toHaveProperty('reason');
  });

  it('declare one rule per field name (the API builds one validator per field)', () => {
    const seen = new Map<string, string>();
    for (const step of DOSSIER_STEPS) {
      for (const [name, spec] of Object.entries(step.fields)) {
        const rule = JSON.stringify({ ...spec, required: null });
        expect(seen.get(name) ?? rule).toBe(rule);
        seen.set(name, rule);
      }
    }
  });

  it('label every event of the stream in Vietnamese and English', () => {
    expect(DOSSIER_EVENT_TYPES).toHaveLength(21);
    for (const type of DOSSIER_EVENT_TYPES) {
      expect(DOSSIER_EVENT_LABELS[type].vi).toMatch(/\S/);
      expect(DOSSIER_EVENT_LABELS[type].en).toMatch(/\S/);
    }
    expect(DOSSIER_EVENT_LABELS.DossierProcessed).toEqual({ vi: 'Đã xử lý xong', en: 'processed' });
  });

  it('say which steps finish the dossier, are recorded once, and feed the facts', () => {
    const finishing = DOSSIER_STEPS.filter((s) => s.finishes).map((s) => s.type);
    expect(finishing).toEqual(['processed', 'result-returned', 'stopped', 'withdrawn']);
    const once = Object.fromEntries(DOSSIER_STEPS.filter((s) => s.once).map((s) => [s.type, s.once]));
    expect(once).toEqual({
      processed: 'STEP_ALREADY_RECORDED',
      'result-returned': 'STEP_ALREADY_RECORDED',
      'result-issued-electronically': 'STEP_ALREADY_RECORDED',
      'apology-issued': 'APOLOGY_ALREADY_ISSUED',
      stopped: 'DOSSIER_FINISHED',
      withdrawn: 'DOSSIER_FINISHED',
    });
    expect(DOSSIER_FACTS_EVENT_TYPES).not.toContain('CorrectionRecorded');
    expect(DOSSIER_FACTS_EVENT_TYPES).toContain('DossierSynced');
  });
});
