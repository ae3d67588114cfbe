// A local HTTP server that behaves as the national portal's integration gateway (research/dvcqg-sync.md):
// a session from the auth path, then `DongBoHoSoMC`, `CapNhatTienDoHoSoMC` and `TraCuuHoSo` on the sync
// path. It records every call it got and the dossiers it accepted; its behaviour can be switched (answer
// errors, 500s, time out, expire the session, fail at random) so tests, the soak and the bench drive the
// outbox against something that can fail like the real one.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type GatewayCall = Readonly<{
  at: number;
  path: string;
  status: number;
  body: Record<string, unknown>;
  answer: Record<string, unknown> | null;
}>;

/** How the gateway answers the sync calls (the login always works unless `loginFails`). */
export type GatewayMode =
  | 'healthy'
  /** `{ error_code: "99", message: "Lỗi hệ thống" }` with HTTP 200. */
  | 'error'
  /** HTTP 500. */
  | 'http-500'
  /** Never answers (the client's timeout fires). */
  | 'timeout';

export type FakeGatewayOptions = Readonly<{
  username?: string;
  password?: string;
  /** Milliseconds before each answer (the bench's 50 ms). */
  latencyMs?: number;
  /** Success code: "00" (default) or "0". */
  successCode?: string;
  /** Fail this share of sync calls at random (500, error code or expired session), 0..1. */
  failureRate?: number;
  /** Seeded randomness for `failureRate`. */
  random?: () => number;
  /** Keep every call (default) or only count them (the bench's 10,000 lives). */
  recordCalls?: boolean;
}>;

const DATE = /^(\d{14})?$/;

/** The dossier as the portal holds it: the last accepted dossier item and every accepted step, in order. */
export type PortalDossier = {
  dossier: Record<string, unknown>;
  steps: Record<string, unknown>[];
  pushes: number;
};

export class FakePortalGateway {
  readonly calls: GatewayCall[] = [];
  /** Accepted dossiers by MaHoSo. */
  readonly dossiers = new Map<string, PortalDossier>();
  /** Malformed items it refused (a wrong date format, a missing field): should stay empty. */
  readonly refusals: string[] = [];
  mode: GatewayMode = 'healthy';
  callCount = 0;
  logins = 0;
  private sessions = new Set<string>();
  private server?: Server;
  private pending = new Set<ServerResponse>();
  private seq = 0;

  constructor(private readonly options: FakeGatewayOptions = {}) {}

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The NATIONAL_PORTAL_* settings that point the tracker at this gateway. */
  get env(): Record<string, string> {
    return {
      NATIONAL_PORTAL_AUTH_URL: `${this.url}/auth`,
      NATIONAL_PORTAL_SYNC_URL: `${this.url}/sync`,
      NATIONAL_PORTAL_USERNAME: this.options.username ?? 'tinh-test',
      NATIONAL_PORTAL_PASSWORD: this.options.password ?? 'secret',
      NATIONAL_PORTAL_UNIT_CODE: 'H40',
    };
  }

  /** Every session handed out so far stops working (the next call is refused for its session). */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** The calls of one service, in the order they arrived. */
  callsOf(service: string): GatewayCall[] {
    return this.calls.filter((c) => c.body.service === service);
  }

  async stop(): Promise<void> {
    for (const res of this.pending) res.destroy();
    this.pending.clear();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections(); // the client's keep-alive sockets would hold close() for seconds
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return this.reply(req, res, body, 400, { error_code: '400', message: 'JSON không hợp lệ' });
    }
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    if (req.url === '/auth') {
      if (
        body.username !== (this.options.username ?? 'tinh-test') ||
        body.password !== (this.options.password ?? 'secret')
      ) {
        return this.reply(req, res, body, 200, { error_code: 1, message: 'Sai tài khoản' });
      }
      const session = `s-${++this.seq}`;
      this.sessions.add(session);
      this.logins++;
      return this.reply(req, res, body, 200, { session, error_code: 0, message: 'OK' });
    }
    if (req.url !== '/sync') return this.reply(req, res, body, 404, null);
    if (this.mode === 'timeout') {
      this.pending.add(res);
      this.record(req, body, 0, null);
      return; // never answers
    }
    if (this.mode === 'http-500') return this.reply(req, res, body, 500, null);
    if (this.mode === 'error')
      return this.reply(req, res, body, 200, { error_code: '99', message: 'Lỗi hệ thống' });
    if (typeof body.session !== 'string' || !this.sessions.has(body.session)) {
      return this.reply(req, res, body, 200, {
        error_code: '-1',
        message: 'Session không hợp lệ hoặc đã hết hạn',
      });
    }
    const rate = this.options.failureRate ?? 0;
    if (rate > 0) {
      const r = (this.options.random ?? Math.random)();
      if (r < rate / 3) return this.reply(req, res, body, 500, null);
      if (r < (2 * rate) / 3)
        return this.reply(req, res, body, 200, { error_code: '99', message: 'Lỗi hệ thống' });
      if (r < rate) {
        this.expireSessions();
        return this.reply(req, res, body, 200, { error_code: '-1', message: 'Session đã hết hạn' });
      }
    }
    return this.reply(req, res, body, 200, this.service(body));
  }

  private service(body: Record<string, unknown>): Record<string, unknown> {
    const ok = { error_code: this.options.successCode ?? '00', message: 'Đồng bộ thành công' };
    if (body.madonvi !== this.env.NATIONAL_PORTAL_UNIT_CODE)
      return { error_code: '98', message: 'Sai mã đơn vị' };
    const data = Array.isArray(body.data) ? (body.data as Record<string, unknown>[]) : [];
    switch (body.service) {
      case 'DongBoHoSoMC': {
        if (body.isUpdating !== 'True' && body.isUpdating !== 'False')
          return { error_code: '97', message: 'isUpdating' };
        for (const item of data) {
          const bad = badDossierItem(item);
          if (bad) {
            this.refusals.push(bad);
            return { error_code: '96', message: bad };
          }
          const code = String(item.MaHoSo);
          const known = this.dossiers.get(code);
          if (known && body.isUpdating === 'False')
            return { error_code: '3', message: `Hồ sơ ${code} đã tồn tại` };
          if (!known && body.isUpdating === 'True')
            return { error_code: '95', message: `Không tìm thấy hồ sơ ${code}` };
          this.dossiers.set(code, {
            dossier: item,
            steps: known?.steps ?? [],
            pushes: (known?.pushes ?? 0) + 1,
          });
        }
        return ok;
      }
      case 'CapNhatTienDoHoSoMC': {
        for (const item of data) {
          const bad = badStepItem(item);
          if (bad) {
            this.refusals.push(bad);
            return { error_code: '96', message: bad };
          }
          const known = this.dossiers.get(String(item.MaHoSo));
          if (!known) return { error_code: '95', message: `Không tìm thấy hồ sơ ${String(item.MaHoSo)}` };
          known.steps.push(item);
        }
        return ok;
      }
      case 'TraCuuHoSo': {
        const known = this.dossiers.get(String(body.mahoso));
        return { ...ok, result: known ? [known.dossier] : [] };
      }
      default:
        return { error_code: '94', message: `Không có dịch vụ ${String(body.service)}` };
    }
  }

  private reply(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    status: number,
    answer: Record<string, unknown> | null,
  ): void {
    this.record(req, body, status, answer);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(answer === null ? '' : JSON.stringify(answer));
  }

  private record(
    req: IncomingMessage,
    body: Record<string, unknown>,
    status: number,
    answer: Record<string, unknown> | null,
  ): void {
    this.callCount++;
    if (this.options.recordCalls === false) return;
    this.calls.push({ at: Date.now(), path: req.url ?? '', status, body, answer });
  }
}

const DOSSIER_FIELDS = [
  'MaHoSo',
  'MaTTHC',
  'TenTTHC',
  'MaLinhVuc',
  'TenLinhVuc',
  'KenhThucHien',
  'ChuHoSo',
  'LoaiDoiTuong',
  'TrichYeuHoSo',
  'NgayTiepNhan',
  'NgayHenTra',
  'TrangThaiHoSo',
  'NgayTra',
  'NgayKetThucXuLy',
  'DonViXuLy',
  'DanhSachLePhi',
  'DuocThanhToanTrucTuyen',
  'TaiLieuNop',
  'DanhSachGiayToKetQua',
  'DanhSachHoSoBoSung',
];
const STEP_FIELDS = ['MaHoSo', 'NguoiXuLy', 'ThoiDiemXuLy', 'NoiDungXuLy', 'TrangThai', 'NgayBatDau'];
const STATUS = /^(10|[1-9])$/;

/** Why a dossier item would be refused (field names, code strings, date format), or null. */
export function badDossierItem(item: Record<string, unknown>): string | null {
  for (const f of DOSSIER_FIELDS) if (!(f in item)) return `thiếu ${f}`;
  for (const f of ['NgayTiepNhan', 'NgayHenTra', 'NgayTra', 'NgayKetThucXuLy']) {
    if (typeof item[f] !== 'string' || !DATE.test(item[f] as string))
      return `${f} sai định dạng yyyyMMddHHmmss`;
  }
  if (!item.NgayTiepNhan) return 'thiếu NgayTiepNhan';
  if (typeof item.TrangThaiHoSo !== 'string' || !STATUS.test(item.TrangThaiHoSo)) return 'TrangThaiHoSo sai';
  if (!['1', '2', '3'].includes(item.KenhThucHien as string)) return 'KenhThucHien sai';
  if (!['1', '2'].includes(item.LoaiDoiTuong as string)) return 'LoaiDoiTuong sai';
  return null;
}

export function badStepItem(item: Record<string, unknown>): string | null {
  for (const f of STEP_FIELDS) if (!(f in item)) return `thiếu ${f}`;
  if (typeof item.ThoiDiemXuLy !== 'string' || !/^\d{14}$/.test(item.ThoiDiemXuLy))
    return 'ThoiDiemXuLy sai định dạng';
  if (typeof item.TrangThai !== 'string' || !STATUS.test(item.TrangThai)) return 'TrangThai sai';
  return null;
}
