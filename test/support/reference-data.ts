import { TOKENS, type ApiHarness } from './api-harness';

/** A procedure both test units handle: ten working days, fully online, no fee, a written result. */
export const testProcedure = (over: Record<string, unknown> = {}) => ({
  name: 'Cấp giấy phép',
  units: ['SCT', 'HOIAN'],
  timeLimit: { value: 10, unit: 'working-days' },
  onlineLevel: 'full',
  feeRequired: false,
  requiresWrittenResult: true,
  ...over,
});

/**
 * The reference data most API suites start from, put by the admin: the units SCT (a department) and HOIAN
 * (a commune), and the procedures by code (P1, testProcedure's, unless told).
 */
export async function putReferenceData(
  api: ApiHarness,
  procedures: Readonly<Record<string, object>> = { P1: testProcedure() },
): Promise<void> {
  const admin = api.as(TOKENS.admin);
  await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
  await admin.put('/api/units/HOIAN').send({ name: 'Phường Hội An', level: 'commune' }).expect(200);
  for (const [code, procedure] of Object.entries(procedures)) {
    await admin.put(`/api/procedures/${code}`).send(procedure).expect(200);
  }
}
