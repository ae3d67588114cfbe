import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The CA certificate (PEM), for `{ rootCertificate }`. */
  readonly ca: Buffer;
  /** A client certificate for `user` (its common name) signed by the CA, with its key. */
  userCertificate(user: string): { certFile: string; keyFile: string };
  /** Removes the temporary directory. */
  cleanup(): void;
}

/**
 * A throwaway CA and a node certificate for 127.0.0.1/localhost (and client certificates for users on
 * demand), made with the `openssl` CLI in a fresh temporary directory. Nothing is kept: call `cleanup()`.
 */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'esdb-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=contract-test-ca',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
  );
  /** A key and a certificate for `name` with these extensions, signed by the CA. */
  const signed = (name: string, subject: string, extensions: string[]) => {
    const [cert, key, csr, ext] = ['crt', 'key', 'csr', 'ext'].map((e) => file(`${name}.${e}`));
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${subject}`, '-keyout', key, '-out', csr);
    writeFileSync(
      ext,
      ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment', ...extensions, ''].join(
        '\n',
      ),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      cert,
    );
    return { certFile: cert, keyFile: key };
  };
  signed('node', '127.0.0.1', [
    'extendedKeyUsage=serverAuth,clientAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  const userCertificate = (user: string) => signed(`user-${user}`, user, ['extendedKeyUsage=clientAuth']);
  return {
    dir,
    userCertificate,
    caFile: file('ca.crt'),
    certFile: file('node.crt'),
    keyFile: file('node.key'),
    ca: readFileSync(file('ca.crt')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
