import { PortalPushError, type GatewayAnswer, type PortalGateway } from '@tracker/application';
import { CAP_NHAT_TIEN_DO, DONG_BO_HO_SO } from '@tracker/domain';
import type { NationalPortalSettings } from '../config/environment';

/** A call refused for its session (expired, unknown): log in again and send it once more. */
const sessionRefused = (status: number, answer: GatewayAnswer | undefined): boolean =>
  status === 401 ||
  (answer !== undefined && Number(answer.error_code) !== 0 && /session|phiên/i.test(answer.message));

/**
 * The national portal's integration gateway over HTTP (research/dvcqg-sync.md): a session from the auth
 * URL, then JSON POSTs to the sync URL with `session`, `madonvi`, `service` and `data`. One session is
 * shared by every call of this client and renewed when a call is refused for it.
 */
export class HttpPortalGateway implements PortalGateway {
  private session?: Promise<string>;

  constructor(
    private readonly settings: NationalPortalSettings,
    private readonly timeoutMs = 10_000,
  ) {}

  syncDossier(item: Record<string, unknown>, isUpdating: boolean): Promise<GatewayAnswer> {
    return this.call({ service: DONG_BO_HO_SO, isUpdating: isUpdating ? 'True' : 'False', data: [item] });
  }

  updateProgress(item: Record<string, unknown>): Promise<GatewayAnswer> {
    return this.call({ service: CAP_NHAT_TIEN_DO, data: [item] });
  }

  private async call(body: Record<string, unknown>): Promise<GatewayAnswer> {
    for (let attempt = 0; ; attempt++) {
      const current = this.currentSession();
      const session = await current;
      const { status, answer } = await this.post(this.settings.syncUrl, {
        session,
        madonvi: this.settings.unitCode,
        ...body,
      });
      if (sessionRefused(status, answer) && attempt === 0) {
        if (this.session === current) this.session = undefined; // unless another call renewed it already
        continue;
      }
      if (status >= 300 || !answer) {
        throw new PortalPushError(
          `${String(body.service)}: HTTP ${status}${answer ? ` ${answer.message}` : ''}`,
          answer,
        );
      }
      return answer;
    }
  }

  private currentSession(): Promise<string> {
    this.session ??= this.login().catch((error: unknown) => {
      this.session = undefined;
      throw error;
    });
    return this.session;
  }

  private async login(): Promise<string> {
    const { status, json } = await this.postRaw(this.settings.authUrl, {
      username: this.settings.username,
      password: this.settings.password,
    });
    const session = (json as { session?: unknown } | undefined)?.session;
    const code = (json as { error_code?: unknown } | undefined)?.error_code;
    if (status >= 300 || typeof session !== 'string' || !session || Number(code ?? 0) !== 0) {
      throw new PortalPushError(
        `login refused: HTTP ${status} ${JSON.stringify(json ?? null).slice(0, 200)}`,
      );
    }
    return session;
  }

  private async post(url: string, body: unknown): Promise<{ status: number; answer?: GatewayAnswer }> {
    const { status, json } = await this.postRaw(url, body);
    const o = json as { error_code?: unknown; message?: unknown } | undefined;
    if (!o || o.error_code === undefined) return { status };
    return { status, answer: { error_code: String(o.error_code), message: String(o.message ?? '') } };
  }

  private async postRaw(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new PortalPushError(`${url}: ${(error as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  }
}
