import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLogFile, requestBackup, startEventStoreServer } from '@tracker/eventstore-server';
import type { RunningEventStoreServer } from '@tracker/eventstore-server';
import {
  createTestCertificates,
  describeNeedsOwnServer,
  TestCertificates,
} from '@tracker/testing/eventstore/test-event-store';

jest.setTimeout(30_000);

/** A secure (TLS) node copies its log for an authenticated `$admins` user only, as it guards its streams. */
describeNeedsOwnServer('backup request in secure mode', () => {
  let certs: TestCertificates;
  let dataDir: string;
  let server: RunningEventStoreServer;
  const as = (user?: string) =>
    user ? server.connectionString.replace('esdb://', `esdb://${user}@`) : server.connectionString;

  beforeAll(async () => {
    certs = createTestCertificates();
    dataDir = mkdtempSync(join(tmpdir(), 'backup-tls-'));
    server = await startEventStoreServer({
      port: 0,
      dataDir,
      tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile },
      users: [
        { username: 'admin', password: 'changeit', groups: ['$admins'] },
        { username: 'ops', password: 'changeit', groups: ['$ops'] },
      ],
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    certs.cleanup();
  });

  it('refuses no credentials and a user outside $admins, rejects a wrong password, copies for an admin', async () => {
    await expect(requestBackup(as())).rejects.toThrow(/Access Denied/);
    await expect(requestBackup(as('ops:changeit'))).rejects.toThrow(/Access Denied/);
    await expect(requestBackup(as('admin:wrong'))).rejects.toThrow(/Unauthenticated/);
    const reply = await requestBackup(as('admin:changeit'));
    expect(existsSync(reply.file)).toBe(true);
    expect(describeLogFile(reply.file).events).toBeGreaterThan(0);
  });
});
