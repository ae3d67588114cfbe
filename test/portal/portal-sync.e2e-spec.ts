import {
  EVENT_STORE,
  PortalSyncer,
  type Clock,
  type EventStore,
  type GatewayAnswer,
  type PortalGateway,
} from '@tracker/application';
import { dossierStreamName, type DossierEvent, type DossierEventType } from '@tracker/domain';
import { HttpPortalGateway, loadEnvironment } from '@tracker/infrastructure';
import {
  FakePortalGateway,
  startTestEventStore,
  uniqueToken,
  waitFor,
  type TestEventStore,
} from '@tracker/testing';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';

jest.setTimeout(120_000);

// The outbox against a local gateway: what it receives (field names, dates, codes, order per dossier), how
// the outbox rides out errors, 500s, timeouts and an expired session, and that every push is recorded once.

let gateway: FakePortalGateway;
let eventStore: TestEventStore;
let api: ApiHarness;
const keyPrefix = `test:${uniqueToken()}:`;

const PROCEDURE = {
  name: 'Cấp giấy phép kinh doanh',
  units: ['SCT'],
  timeLimit: { value: 10, unit: 'working-days' },
  onlineLevel: 'full',
  feeRequired: true,
  requiresWrittenResult: true,
  nationalCode: '1.001234',
  fieldCode: 'G05',
  fieldName: 'Lưu thông hàng hóa trong nước',
};

async function start(): Promise<ApiHarness> {
  return startApi({
    // A push whose answer is slower than this is retried (at least once delivery): generous, so a loaded
    // test machine does not turn the exact-call assertions below into retries.
    worker: { portal: { timeoutMs: 3_000, concurrency: 8 } },
    env: gateway.env,
    portalRetry: { attempts: 4, backoffMs: 100 },
    keyPrefix,
    eventStore,
  });
}

async function defineCatalogue(harness: ApiHarness): Promise<void> {
  const admin = harness.as(TOKENS.admin);
  await admin.put('/api/units/SCT').send({ name: 'Sở Công Thương', level: 'department' }).expect(200);
  await admin.put('/api/procedures/P1').send(PROCEDURE).expect(200);
}

beforeAll(async () => {
  gateway = await new FakePortalGateway().start();
  eventStore = await startTestEventStore({ forceEmbedded: true });
  api = await start();
  await defineCatalogue(api);
});

afterAll(async () => {
  await api?.close();
  await eventStore?.close();
  await gateway?.stop();
});

const clerk = () => api.as(TOKENS.clerkA);
const step = (code: string, body: Record<string, unknown>) =>
  clerk().post(`/api/dossiers/${code}/events`).send(body);

async function receive(code: string, extra: Record<string, unknown> = {}) {
  await clerk()
    .post('/api/dossiers')
    .send({
      code,
      unitId: 'SCT',
      procedureCode: 'P1',
      channel: 'online',
      onlineLevel: 'full',
      receivedAt: '2025-03-03T09:00:00+07:00',
      feeAmount: 50000,
      ...extra,
    })
    .expect(201);
}

async function eventsOf(code: string): Promise<DossierEvent[]> {
  const store = api.app.get<EventStore>(EVENT_STORE);
  return (await store.readStream<DossierEvent>(dossierStreamName(code))).events.map((r) => r.event);
}

const count = (events: DossierEvent[], type: DossierEventType) =>
  events.filter((e) => e.type === type).length;

/** Waits until every push of the dossier was accepted: as many sync records as portal-changing steps. */
async function synced(code: string, pushes: number, timeoutMs = 30_000): Promise<DossierEvent[]> {
  return waitFor(
    async () => {
      const events = await eventsOf(code);
      const records = count(events, 'DossierSynced') + count(events, 'DossierStatusSynced');
      return records === pushes ? events : undefined;
    },
    { timeoutMs, intervalMs: 50, description: `${pushes} accepted pushes of ${code}` },
  );
}

const stepsAt = (code: string) => gateway.dossiers.get(code)?.steps.map((s) => s.TrangThai);

describe('pushing dossiers to the national portal', () => {
  it('pushes the dossier then each step, in order, with the fields, dates and codes the portal reads', async () => {
    await receive('SCT-P-1', {
      applicantName: 'Nguyễn Văn A',
      applicantKind: 'citizen',
      summary: 'Cấp giấy phép bán lẻ',
    });
    await step('SCT-P-1', {
      type: 'transferred',
      occurredAt: '2025-03-04T09:00:00+07:00',
      toUnitId: 'SCT',
    }).expect(422); // same unit: refused, pushes nothing
    await step('SCT-P-1', {
      type: 'supplement-requested',
      occurredAt: '2025-03-04T10:00:00+07:00',
      reason: 'thiếu bản vẽ',
    }).expect(201);
    await step('SCT-P-1', { type: 'supplement-received', occurredAt: '2025-03-05T10:00:00+07:00' }).expect(
      201,
    );
    await step('SCT-P-1', {
      type: 'processed',
      occurredAt: '2025-03-06T15:00:00+07:00',
      outcome: 'approved',
    }).expect(201);
    await step('SCT-P-1', { type: 'result-returned', occurredAt: '2025-03-07T08:30:00+07:00' }).expect(201);
    await step('SCT-P-1', {
      type: 'satisfaction-rated',
      occurredAt: '2025-03-07T09:00:00+07:00',
      satisfied: true,
    }).expect(201);

    const events = await synced('SCT-P-1', 5);
    expect(count(events, 'DossierSynced')).toBe(1);
    expect(count(events, 'DossierStatusSynced')).toBe(4);
    expect(gateway.refusals).toEqual([]);

    const dossierCalls = gateway
      .callsOf('DongBoHoSoMC')
      .filter((c) => (c.body.data as { MaHoSo: string }[])[0]!.MaHoSo === 'SCT-P-1');
    expect(dossierCalls.map((c) => c.body.isUpdating)).toEqual(['False', 'True', 'True', 'True', 'True']);
    const first = dossierCalls[0]!.body;
    expect(Object.keys(first).sort()).toEqual(['data', 'isUpdating', 'madonvi', 'service', 'session']);
    expect(first.madonvi).toBe('H40');
    expect((first.data as Record<string, unknown>[])[0]).toMatchObject({
      MaHoSo: 'SCT-P-1',
      MaTTHC: '1.001234',
      TenTTHC: 'Cấp giấy phép kinh doanh',
      MaLinhVuc: 'G05',
      TenLinhVuc: 'Lưu thông hàng hóa trong nước',
      ChuHoSo: 'Nguyễn Văn A',
      LoaiDoiTuong: '1',
      TrichYeuHoSo: 'Cấp giấy phép bán lẻ',
      KenhThucHien: '2',
      NgayTiepNhan: '20250303090000',
      NgayHenTra: '20250317090000',
      TrangThaiHoSo: '2',
      NgayTra: '',
      NgayKetThucXuLy: '',
      DonViXuLy: 'Sở Công Thương',
      DanhSachLePhi: [expect.objectContaining({ Gia: '50000' })],
    });
    const last = (dossierCalls[4]!.body.data as Record<string, unknown>[])[0]!;
    expect(last).toMatchObject({
      TrangThaiHoSo: '10',
      NgayTra: '20250307083000',
      NgayKetThucXuLy: '20250306150000',
    });
    // Steps arrive in the order they were recorded, each with the status after it.
    expect(stepsAt('SCT-P-1')).toEqual(['2', '5', '4', '9', '10']);
    const progress = gateway
      .callsOf('CapNhatTienDoHoSoMC')
      .find((c) => (c.body.data as { TrangThai: string }[])[0]!.TrangThai === '5')!;
    expect((progress.body.data as Record<string, unknown>[])[0]).toMatchObject({
      MaHoSo: 'SCT-P-1',
      NguoiXuLy: 'clerk-a',
      ThoiDiemXuLy: '20250304100000',
      NoiDungXuLy: 'Yêu cầu bổ sung: thiếu bản vẽ',
    });
    // The first record says what was sent and what the portal answered.
    const syncedEvent = events.find((e) => e.type === 'DossierSynced')!;
    expect(syncedEvent.data).toMatchObject({
      push: {
        id: 'SCT-P-1@0',
        answer: { error_code: '00' },
        sent: [{ service: 'DongBoHoSoMC' }, { service: 'CapNhatTienDoHoSoMC' }],
      },
    });
  });

  it('refuses the manual synced step and does not take the system step from the API', async () => {
    await receive('SCT-P-2');
    const res = await step('SCT-P-2', { type: 'synced', occurredAt: '2025-03-04T09:00:00+07:00' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('SYNCED_BY_PORTAL');
    await step('SCT-P-2', { type: 'status-synced', occurredAt: '2025-03-04T09:00:00+07:00' }).expect(400);
    await synced('SCT-P-2', 1);
  });

  it('pushes a late fact with the status the dossier has after it', async () => {
    await receive('SCT-P-3');
    await step('SCT-P-3', {
      type: 'processed',
      occurredAt: '2025-03-06T15:00:00+07:00',
      outcome: 'approved',
    }).expect(201);
    await synced('SCT-P-3', 2);
    // Recorded now, happened before the processing.
    await step('SCT-P-3', {
      type: 'input-digitized',
      occurredAt: '2025-03-04T09:00:00+07:00',
      documents: ['Đơn đề nghị'],
    }).expect(201);
    await synced('SCT-P-3', 3);
    expect(stepsAt('SCT-P-3')).toEqual(['2', '9', '9']);
    expect(gateway.dossiers.get('SCT-P-3')!.dossier).toMatchObject({
      TrangThaiHoSo: '9',
      HoSoCoThanhPhanSoHoa: '1',
      TaiLieuNop: [expect.objectContaining({ TenTepDinhKem: 'Đơn đề nghị', DuocSoHoa: '1' })],
    });
  });

  it('renews a session the portal refuses', async () => {
    const logins = gateway.logins;
    gateway.expireSessions();
    await receive('SCT-P-4');
    await synced('SCT-P-4', 1);
    expect(gateway.logins).toBe(logins + 1);
    expect(gateway.calls.some((c) => (c.answer?.message as string | undefined)?.includes('Session'))).toBe(
      true,
    );
  });

  it('rides out a gateway failing a while (500s, errors, timeouts), then every push arrives, synced once each', async () => {
    const codes = ['SCT-F-1', 'SCT-F-2', 'SCT-F-3'];
    gateway.mode = 'http-500';
    for (const code of codes) await receive(code);
    await waitFor(() => gateway.calls.filter((c) => c.status === 500).length >= 3, { timeoutMs: 20_000 });
    gateway.mode = 'error';
    await waitFor(() => gateway.calls.filter((c) => c.answer?.error_code === '99').length >= 1, {
      timeoutMs: 20_000,
    });
    gateway.mode = 'healthy';
    for (const code of codes) {
      await step(code, {
        type: 'processed',
        occurredAt: '2025-03-06T15:00:00+07:00',
        outcome: 'denied',
      }).expect(201);
    }
    for (const code of codes) {
      const events = await synced(code, 2);
      expect(count(events, 'DossierSynced')).toBe(1);
      // A call that timed out may have reached the portal: the retry sends it again (an update, harmless).
      expect([...new Set(stepsAt(code))]).toEqual(['2', '9']);
    }
  });

  it('lists a push that keeps failing for admins with its error, and sends it again on request', async () => {
    gateway.mode = 'timeout';
    await receive('SCT-T-1');
    const failed = await waitFor(
      async () => {
        const res = await api.as(TOKENS.admin).get('/api/sync?status=failed').expect(200);
        return (res.body.failed as { code: string; error: string }[]).find((f) => f.code === 'SCT-T-1');
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(failed.error).toMatch(/timeout|aborted/i);
    const health = await api.as(TOKENS.reform).get('/api/sync?unitId=SCT').expect(200);
    expect(health.body.units[0]).toMatchObject({ unitId: 'SCT', failed: 1 });
    expect(health.body.units[0].oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
    await api.as(TOKENS.reform).post('/api/sync/SCT-T-1/resend').expect(403);

    gateway.mode = 'healthy';
    await api.as(TOKENS.admin).post('/api/sync/SCT-T-1/resend').expect(202);
    await synced('SCT-T-1', 1);
    await waitFor(async () => {
      const res = await api.as(TOKENS.admin).get('/api/sync?status=failed').expect(200);
      return (res.body.failed as unknown[]).length === 0;
    });
    await api.waitForProjections();
    await api.as(TOKENS.admin).post('/api/sync/SCT-T-1/resend').expect(409);
  });

  it('reports sync health per unit in GET /api/sync and /api/health', async () => {
    await api.waitForProjections();
    const res = await api.as(TOKENS.admin).get('/api/sync?status=synced').expect(200);
    const sct = (res.body.units as { unitId: string; synced: number; pending: number }[]).find(
      (u) => u.unitId === 'SCT',
    )!;
    expect(sct.synced).toBeGreaterThanOrEqual(8);
    expect(sct.pending).toBe(0);
    expect((res.body.synced as { code: string }[]).map((s) => s.code)).toContain('SCT-P-1');
    const health = await api.as(TOKENS.admin).get('/api/health').expect(200);
    expect(health.body.sync).toMatchObject({
      enabled: true,
      units: [expect.objectContaining({ unitId: 'SCT' })],
    });
  });

  it('a worker killed between the answer and the record pushes again and records once', async () => {
    // A tracker of its own whose worker pushes nothing: the syncer is driven by hand.
    const alone = await startApi({ worker: { portal: false }, env: gateway.env });
    try {
      await defineCatalogue(alone);
      await alone
        .as(TOKENS.clerkA)
        .post('/api/dossiers')
        .send({
          code: 'SCT-K-1',
          unitId: 'SCT',
          procedureCode: 'P1',
          channel: 'in-person',
          receivedAt: '2025-03-03T09:00:00+07:00',
        })
        .expect(201);
      const store = alone.app.get<EventStore>(EVENT_STORE);
      const clock: Clock = { now: () => new Date() };
      const http = new HttpPortalGateway(loadEnvironment(gateway.env).nationalPortal!);
      // Dies right after the portal accepted the step, before recording it.
      const dying: PortalGateway = {
        syncDossier: (item, isUpdating) => http.syncDossier(item, isUpdating),
        updateProgress: async (item): Promise<GatewayAnswer> => {
          await http.updateProgress(item);
          throw new Error('killed');
        },
      };
      await expect(new PortalSyncer(store, dying, clock).sync('SCT-K-1', 0)).rejects.toThrow('killed');
      // The dossier's own steps and sync records (its deadline alerts left aside).
      const read = async () =>
        (await store.readStream<DossierEvent>(dossierStreamName('SCT-K-1'))).events.filter(
          (r) => !r.event.type.startsWith('DossierDue') && r.event.type !== 'DossierBecameOverdue',
        );
      expect((await read()).map((r) => r.event.type)).toEqual(['DossierReceived']);
      // The retry pushes again: the portal knows the dossier ("đã tồn tại"), so it goes as an update.
      expect((await new PortalSyncer(store, http, clock).sync('SCT-K-1', 0)).pushed).toEqual(['SCT-K-1@0']);
      expect((await new PortalSyncer(store, http, clock).sync('SCT-K-1', 0)).pushed).toEqual([]);
      const types = (await read()).map((r) => r.event.type);
      expect(types).toEqual(['DossierReceived', 'DossierSynced']);
      const calls = gateway
        .callsOf('DongBoHoSoMC')
        .filter((c) => (c.body.data as { MaHoSo: string }[])[0]!.MaHoSo === 'SCT-K-1');
      expect(calls.map((c) => [c.body.isUpdating, c.answer?.error_code])).toEqual([
        ['False', '00'],
        ['False', '3'],
        ['True', '00'],
      ]);
    } finally {
      await alone.close();
    }
  });

  it('pushes nothing twice across worker restarts, even when Redis lost the outbox', async () => {
    await api.waitForProjections();
    await waitFor(async () => {
      const res = await api.as(TOKENS.admin).get('/api/sync?status=pending').expect(200);
      return (res.body.pending as unknown[]).length === 0;
    });
    const calls = gateway.callCount;
    await api.close({ keepRedis: true });
    api = await start();
    await api.waitForProjections();
    expect(gateway.callCount).toBe(calls);
    // A fresh Redis (another key prefix): the outbox replays from the start and finds every push accepted.
    const again = await startApi({
      worker: { portal: { timeoutMs: 500 } },
      env: gateway.env,
      eventStore,
    });
    try {
      await again.waitForProjections();
      await waitFor(async () => {
        const res = await again.as(TOKENS.admin).get('/api/sync?unitId=SCT').expect(200);
        return res.body.units[0].synced >= 8 && res.body.units[0].pending === 0;
      });
      expect(gateway.callCount).toBe(calls);
    } finally {
      await again.close();
    }
  });
});
