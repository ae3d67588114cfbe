// What the national public-service portal (Cổng DVCQG) is told of a dossier, as research/dvcqg-sync.md
// describes the exchange: the dossier item of `DongBoHoSoMC`, the step item of `CapNhatTienDoHoSoMC`, the
// national status codes and the date format. Pure: the outbox (libs/application/src/portal-sync) decides
// when, this module decides what.
import type { Instant } from '../calendar';
import { VN_OFFSET_MS } from '../calendar/instant';
import { DOSSIER_EVENT_LABELS } from '../dossier/steps';
import type { Dossier } from '../dossier/dossier.state';
import type { DossierEvent, DossierEventType } from '../dossier/dossier.events';
import type { PortalPush } from '../dossier/steps/synced.step';
import { evolve, initialState } from '../dossier/dossier.decider';
import { isDossier } from '../dossier/dossier.state';

export const DONG_BO_HO_SO = 'DongBoHoSoMC';
export const CAP_NHAT_TIEN_DO = 'CapNhatTienDoHoSoMC';
export const TRA_CUU_HO_SO = 'TraCuuHoSo';

/**
 * The events that change what the portal knows of a dossier: each is pushed (the whole dossier, then the
 * step). The system's alerts (due soon, overdue, its retraction) are not portal statuses; a rating, a
 * correction and the sync records themselves change no field the portal is sent.
 */
export const PORTAL_EVENT_TYPES: ReadonlySet<DossierEventType> = new Set<DossierEventType>([
  'DossierReceived',
  'DossierTransferred',
  'SupplementRequested',
  'SupplementReceived',
  'DossierProcessed',
  'ResultReturned',
  'DossierStopped',
  'DossierWithdrawn',
  'ApologyIssued',
  'InputDigitized',
  'ResultIssuedElectronically',
  'PaymentRequested',
  'PaidOnline',
  'PaidOffline',
]);

/** A push's id: the dossier and the stream revision of the event it carries (deterministic, unique). */
export const portalPushId = (code: string, revision: number | bigint): string => `${code}@${revision}`;

/** `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh; empty when absent. */
export function portalDate(instant: Instant | null | undefined): string {
  if (!instant) return '';
  const local = new Date(Date.parse(instant) + VN_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${local.getUTCFullYear()}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}` +
    `${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}`
  );
}

/**
 * The national status code (TrangThaiHoSo) of a dossier: received → 2; transferred, supplement received,
 * payment settled → 4; supplement requested → 5; payment requested and unpaid → 6; withdrawn → 7; stopped
 * → 8; processed → 9; result returned → 10 (research/dvcqg-sync.md's mapping, in occurredAt order).
 */
export function nationalStatus(state: Dossier): string {
  switch (state.status) {
    case 'returned':
      return '10';
    case 'processed':
      return '9';
    case 'stopped':
      return '8';
    case 'withdrawn':
      return '7';
    case 'awaiting-supplement':
      return '5';
  }
  let status = '2';
  let owed = 0;
  for (const { event } of state.timeline) {
    switch (event.type) {
      case 'DossierTransferred':
      case 'SupplementReceived':
        status = owed > 0 ? '6' : '4';
        break;
      case 'SupplementRequested':
        status = '5';
        break;
      case 'PaymentRequested':
        owed += event.data.amount;
        status = '6';
        break;
      case 'PaidOnline':
      case 'PaidOffline':
        owed = Math.max(0, owed - event.data.amount);
        if (status === '6' && owed === 0) status = '4';
        break;
    }
  }
  return status;
}

const CHANNEL_CODE = { 'in-person': '1', online: '2', postal: '3' } as const;

/** Outside facts the dossier item names that the stream does not hold. */
export type PortalContext = Readonly<{ unitName: string }>;

/** The `DongBoHoSoMC` data item: the whole dossier as it stands. */
export function portalDossierItem(state: Dossier, context: PortalContext): Record<string, unknown> {
  const received = state.timeline.find((e) => e.event.type === 'DossierReceived')?.event;
  const r = received?.type === 'DossierReceived' ? received.data : undefined;
  const online = state.payments.find((p) => p.kind === 'online');
  const fee = Math.max(state.feeAmount, state.paymentRequestedAmount);
  const documents = state.timeline.flatMap(({ event }) =>
    event.type === 'InputDigitized' ? (event.data.documents ?? []) : [],
  );
  return {
    MaHoSo: state.code,
    MaTTHC: state.procedure.nationalCode ?? state.procedureCode,
    TenTTHC: state.procedure.name,
    MaLinhVuc: state.procedure.fieldCode ?? '',
    TenLinhVuc: state.procedure.fieldName ?? '',
    KenhThucHien: CHANNEL_CODE[state.channel],
    ChuHoSo: r?.applicantName ?? '',
    LoaiDoiTuong: r?.applicantKind === 'organisation' ? '2' : '1',
    MaDoiTuong: '',
    ThongTinKhac: '',
    Email: '',
    Fax: '',
    SoDienThoai: '',
    TrichYeuHoSo: (r?.summary ?? '').slice(0, 1000),
    NgayTiepNhan: portalDate(state.receivedAt),
    NgayHenTra: portalDate(state.dueAt),
    TrangThaiHoSo: nationalStatus(state),
    NgayTra: portalDate(state.returnedAt),
    NgayKetThucXuLy: portalDate(state.finishedAt),
    DonViXuLy: context.unitName,
    GhiChu: '',
    DanhSachLePhi:
      fee > 0
        ? [
            {
              TenPhiLePhi: 'Phí, lệ phí',
              MaPhiLePhi: '',
              HinhThucThu: '1',
              Gia: String(fee),
              LoaiPhiLePhi: '1',
            },
          ]
        : [],
    DuocThanhToanTrucTuyen: online ? (online.gateway === 'national' ? '1' : '2') : '0',
    HoSoCoThanhPhanSoHoa: state.inputDigitized ? '1' : '0',
    TaiLieuNop: (state.inputDigitized && documents.length === 0 ? ['Thành phần hồ sơ'] : documents).map(
      (name, i) => ({
        TepDinhKemId: `${state.code}-${i + 1}`,
        TenTepDinhKem: name,
        IsDeleted: '0',
        MaThanhPhanHoSo: '',
        DuongDanTaiTepTin: '',
        DuocSoHoa: '1',
        DuocTaiSuDung: state.reusedData ? '1' : '0',
        DuocLayTuKhoDMQG: state.fromPersonalStore ? '1' : '0',
        MaKetQuaThayThe: '',
      }),
    ),
    DanhSachGiayToKetQua: state.resultIssuedElectronically
      ? [{ TenGiayTo: 'Kết quả điện tử', GiayToId: state.code, DuongDanTepTinKetQua: '', MaGiayToKetQua: '' }]
      : [],
    DanhSachHoSoBoSung: state.supplements.map((s) => ({
      NguoiYeuCauBoSung: '',
      NoiDungBoSung: s.reason,
      NgayBoSung: portalDate(s.requestedAt),
      NgayTiepNhanBoSung: portalDate(s.receivedAt),
      TrangThaiBoSung: s.receivedAt ? '1' : '0',
      NgayHenTraTruoc: '',
      NgayHenTraMoi: '',
    })),
    DanhSachTepDinhKemKhac: [],
  };
}

/** The `CapNhatTienDoHoSoMC` data item of one step; `TrangThai` is the dossier's status after it. */
export function portalStepItem(
  state: Dossier,
  event: DossierEvent,
  who: string,
  context: PortalContext,
): Record<string, unknown> {
  const reason = (event.data as { reason?: unknown }).reason;
  const label = DOSSIER_EVENT_LABELS[event.type].vi;
  const due =
    event.type === 'ApologyIssued' ? event.data.newDueAt : (state.rescheduledDueAt ?? state.effectiveDueAt);
  return {
    MaHoSo: state.code,
    NguoiXuLy: who.slice(0, 50),
    ChucDanh: '',
    ThoiDiemXuLy: portalDate(event.data.occurredAt),
    PhongBanXuLy: context.unitName,
    NoiDungXuLy: typeof reason === 'string' && reason ? `${label}: ${reason}` : label,
    TrangThai: nationalStatus(state),
    NgayBatDau: portalDate(event.data.occurredAt),
    NgayKetThucTheoQuyDinh: portalDate(due),
  };
}

/** An event of the dossier's stream as the outbox reads it. */
export type PortalStreamEvent = Readonly<{ event: DossierEvent; revision: bigint; actor?: string }>;

/** One push the dossier needs: the event it carries and whether the portal already accepted it. */
export type PortalPushPlan = Readonly<{
  id: string;
  revision: bigint;
  type: DossierEventType;
  accepted: boolean;
}>;

/** Every push a dossier's stream calls for, in recording order, with the ones already accepted marked. */
export function portalPushes(code: string, events: readonly PortalStreamEvent[]): PortalPushPlan[] {
  const accepted = new Set<string>();
  for (const { event } of events) {
    if (event.type === 'DossierSynced' || event.type === 'DossierStatusSynced') {
      const push: PortalPush | undefined = event.data.push;
      if (push) accepted.add(push.id);
    }
  }
  return events
    .filter((e) => PORTAL_EVENT_TYPES.has(e.event.type))
    .map((e) => {
      const id = portalPushId(code, e.revision);
      return { id, revision: e.revision, type: e.event.type, accepted: accepted.has(id) };
    });
}

/** Has the portal accepted a push of this dossier already (then it is sent as an update)? */
export const portalKnows = (events: readonly PortalStreamEvent[]): boolean =>
  events.some((e) => e.event.type === 'DossierSynced' && e.event.data.push !== undefined);

/** The two data items of one push: the dossier as it stood once the event was recorded, and the step. */
export function portalPayload(
  events: readonly PortalStreamEvent[],
  revision: bigint,
  context: PortalContext,
): { dossier: Record<string, unknown>; step: Record<string, unknown> } {
  let state = initialState();
  let pushed: PortalStreamEvent | undefined;
  for (const e of events) {
    if (e.revision > revision) break;
    state = evolve(state, e.event);
    if (e.revision === revision) pushed = e;
  }
  if (!pushed || !isDossier(state)) throw new Error(`no event at revision ${revision} to push`);
  return {
    dossier: portalDossierItem(state, context),
    step: portalStepItem(state, pushed.event, pushed.actor ?? 'system', context),
  };
}
