import {
  decideDossier,
  evolveDossier,
  initialDossierState,
  nationalStatus,
  portalDate,
  portalPayload,
  portalPushes,
  type Dossier,
  type DossierEvent,
  type PortalPush,
  type PortalStreamEvent,
} from '@tracker/domain';
import * as f from '@tracker/testing/fixtures/dossier.fixtures';

const at = (day: string, time = '09:00') => `2025-03-${day}T${time}:00+07:00`;
const stateOf = (events: DossierEvent[]) => events.reduce(evolveDossier, initialDossierState()) as Dossier;
const stream = (events: DossierEvent[]): PortalStreamEvent[] =>
  events.map((event, i) => ({ event, revision: BigInt(i), actor: 'clerk-1' }));
const push = (id: string): PortalPush => ({
  id,
  sent: [{ service: 'DongBoHoSoMC', data: {} }],
  answer: { error_code: '00', message: 'thành công' },
});
const R = f.received({ feeAmount: 0 });

describe('the national portal: what it is told', () => {
  it('writes dates as yyyyMMddHHmmss in Asia/Ho_Chi_Minh, empty when absent', () => {
    expect(portalDate('2025-03-03T01:02:03Z')).toBe('20250303080203');
    expect(portalDate('2025-12-31T23:30:00+07:00')).toBe('20251231233000');
    expect(portalDate(null)).toBe('');
  });

  it.each([
    [[R], '2'],
    [[R, f.transferred(at('04'))], '4'],
    [[R, f.supplementRequested(at('04'))], '5'],
    [[R, f.supplementRequested(at('04')), f.supplementReceived(at('05'))], '4'],
    [[R, f.paymentRequested(at('04'))], '6'],
    [[R, f.paymentRequested(at('04')), f.paidOffline(at('05'))], '4'],
    [[R, f.withdrawn(at('04'))], '7'],
    [[R, f.stopped(at('04'))], '8'],
    [[R, f.processed(at('04'))], '9'],
    [[R, f.processed(at('04')), f.resultReturned(at('05'))], '10'],
  ] as const)('maps the dossier to its national status (%#)', (events, code) => {
    expect(nationalStatus(stateOf([...events]))).toBe(code);
  });

  it('pushes every step that changes what the portal knows, marks the accepted ones, and no alert', () => {
    const events = [
      R,
      f.dueSoon(at('06'), 'due-soon-50'),
      f.becameOverdue(),
      f.processed(at('04')), // a late fact: processed before the overdue
      f.overdueRetracted(at('04')),
      f.satisfactionRated(at('05')),
    ];
    const s = stream(events);
    const plan = portalPushes(f.CODE, s);
    expect(plan.map((p) => [p.id, p.type])).toEqual([
      [`${f.CODE}@0`, 'DossierReceived'],
      [`${f.CODE}@3`, 'DossierProcessed'],
    ]);
    // The late fact goes with the status the dossier has after it.
    const { dossier, step } = portalPayload(s, 3n, { unitName: 'Sở Công Thương' });
    expect(dossier).toMatchObject({ MaHoSo: f.CODE, TrangThaiHoSo: '9', NgayKetThucXuLy: '20250304090000' });
    expect(step).toMatchObject({ MaHoSo: f.CODE, TrangThai: '9', ThoiDiemXuLy: '20250304090000' });
    const accepted = stream([
      ...events,
      { type: 'DossierSynced', data: { occurredAt: at('07'), push: push(`${f.CODE}@0`) } },
    ]);
    expect(portalPushes(f.CODE, accepted).map((p) => p.accepted)).toEqual([true, false]);
  });

  it('fills the dossier item from the receipt and the catalogue', () => {
    const received = f.received({
      channel: 'online',
      onlineLevel: 'full',
      feeAmount: 50_000,
      applicantName: 'Công ty TNHH A',
      applicantKind: 'organisation',
      summary: 'Cấp giấy phép',
      procedure: f.procedureSnapshot({
        nationalCode: '1.000001',
        fieldCode: 'G01',
        fieldName: 'Công nghiệp',
      }),
    });
    const { dossier } = portalPayload(stream([received]), 0n, { unitName: 'Sở Công Thương' });
    expect(dossier).toMatchObject({
      MaTTHC: '1.000001',
      MaLinhVuc: 'G01',
      TenLinhVuc: 'Công nghiệp',
      KenhThucHien: '2',
      ChuHoSo: 'Công ty TNHH A',
      LoaiDoiTuong: '2',
      TrichYeuHoSo: 'Cấp giấy phép',
      NgayTiepNhan: '20250303080000',
      TrangThaiHoSo: '2',
      DonViXuLy: 'Sở Công Thương',
      DanhSachLePhi: [expect.objectContaining({ Gia: '50000' })],
    });
  });
});

describe('the dossier decider: portal pushes', () => {
  const meta = { occurredAt: at('07'), now: at('07'), actor: f.system };
  const base = stateOf([R]);

  it('records the first accepted push as DossierSynced by the system, once', () => {
    const events = decideDossier({ type: 'RecordSync', data: { ...meta, push: push('a@0') } }, base);
    expect(events).toEqual([{ type: 'DossierSynced', data: { occurredAt: at('07'), push: push('a@0') } }]);
    const after = stateOf([R, ...events]);
    expect(() =>
      decideDossier(
        {
          type: 'RecordStatusSync',
          data: {
            ...meta,
            now: at('08'),
            push: { ...push('a@0'), answer: { error_code: '0', message: '' } },
          },
        },
        after,
      ),
    ).toThrow(expect.objectContaining({ code: 'PUSH_ALREADY_RECORDED' }));
    expect(
      decideDossier({ type: 'RecordStatusSync', data: { ...meta, push: push('a@1') } }, after).map(
        (e) => e.type,
      ),
    ).toEqual(['DossierStatusSynced']);
  });

  it('refuses a push recorded by a person', () => {
    expect(() =>
      decideDossier({ type: 'RecordSync', data: { ...meta, actor: f.clerk, push: push('a@0') } }, base),
    ).toThrow(expect.objectContaining({ code: 'SYSTEM_ONLY' }));
  });
});
