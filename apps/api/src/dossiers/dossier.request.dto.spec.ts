// The step body's validation is built from the step modules' field specs: class-validator still answers,
// naming each bad field, with each type's fields required for it and refused for the others.
import { ArgumentMetadata } from '@nestjs/common';
import { trackerValidationPipe } from '../http/validation.pipe';
import { ApiError } from '../http/api-error';
import { RecordDossierStepRequest, foreignFields } from './dossier.request.dto';

const metadata: ArgumentMetadata = { type: 'body', metatype: RecordDossierStepRequest };
const at = '2025-03-04T09:00:00+07:00';

async function problems(body: Record<string, unknown>): Promise<Record<string, string[]>> {
  try {
    await trackerValidationPipe().transform(body, metadata);
    return {};
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const details = (e.getResponse() as { error: { details: { field: string; problems: string[] }[] } }).error
      .details;
    return Object.fromEntries(details.map((d) => [d.field, d.problems]));
  }
}

describe('RecordDossierStepRequest (from the step modules)', () => {
  it('accepts each type with its fields', async () => {
    await expect(problems({ type: 'synced', occurredAt: at })).resolves.toEqual({});
    await expect(problems({ type: 'withdrawn', occurredAt: at })).resolves.toEqual({});
    await expect(
      problems({ type: 'paid-online', occurredAt: at, amount: 1000, gateway: 'national' }),
    ).resolves.toEqual({});
    await expect(
      problems({ type: 'input-digitized', occurredAt: at, reused: true, documents: ['a', 'b'] }),
    ).resolves.toEqual({});
  });

  it('names each missing or bad field with its rule', async () => {
    const p = await problems({ type: 'paid-online', occurredAt: 'yesterday', amount: -1, gateway: 'bank' });
    expect(Object.keys(p)).toEqual(['occurredAt', 'amount', 'gateway']);
    expect(p.amount).toEqual(['amount must not be less than 0']);
    const t = await problems({ type: 'transferred', occurredAt: at, toUnitId: 'no unit!' });
    expect(t).toEqual({ toUnitId: ['toUnitId must be a unit id'] });
    const c = await problems({
      type: 'correction-recorded',
      occurredAt: at,
      field: 'x',
      reason: 'r',
      approvedBy: 'a',
    });
    expect(c).toEqual({ value: ['value is required for correction-recorded'] });
    const r = await problems({ type: 'stopped', occurredAt: at });
    expect(Object.keys(r)).toEqual(['reason']);
    const d = await problems({ type: 'input-digitized', occurredAt: at, documents: Array(101).fill('x') });
    expect(Object.keys(d)).toEqual(['documents']);
  });

  it('checks an optional field only when given', async () => {
    await expect(problems({ type: 'withdrawn', occurredAt: at, reason: '' })).resolves.toEqual({
      reason: ['reason should not be empty'],
    });
    await expect(problems({ type: 'transferred', occurredAt: at, toUnitId: 'U02' })).resolves.toEqual({});
  });

  it('finds the fields of another type', () => {
    const body = Object.assign(new RecordDossierStepRequest(), {
      type: 'synced',
      occurredAt: at,
      outcome: 'approved',
      amount: undefined,
    });
    expect(foreignFields(body)).toEqual(['outcome']);
  });
});
