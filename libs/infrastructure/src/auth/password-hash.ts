import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes as self-describing strings: `$scrypt$v=1$ln=15,r=8,p=1$<salt>$<hash>` (base64url), so a
 * later change of cost verifies the hashes written before it. scrypt is in Node's crypto (no native build);
 * N = 2^15, r = 8 is OWASP's recommended minimum for scrypt.
 */
const VERSION = 1;
const COST = { ln: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT = /^\$scrypt\$v=(\d+)\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([\w-]{16,})\$([\w-]{32,})$/;

export const PASSWORD_HASH_FORMAT = FORMAT;

function derive(password: string, salt: Buffer, cost: typeof COST, length: number): Promise<Buffer> {
  const N = 2 ** cost.ln;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r * cost.p };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, COST, KEY_LENGTH);
  const { ln, r, p } = COST;
  return `$scrypt$v=${VERSION}$ln=${ln},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `password` is the one `stored` was made from; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m || Number(m[1]) !== VERSION) return false;
  const cost = { ln: Number(m[2]), r: Number(m[3]), p: Number(m[4]) };
  // A hand-edited cost beyond these would let the file stall every login; refuse it instead.
  if (cost.ln < 10 || cost.ln > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return false;
  const expected = Buffer.from(m[6], 'base64url');
  const key = await derive(password, Buffer.from(m[5], 'base64url'), cost, expected.length);
  return timingSafeEqual(key, expected);
}

/** A hash of a password nobody has: an unknown name costs a login the same work as a known one. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword(randomBytes(16).toString('hex')));
