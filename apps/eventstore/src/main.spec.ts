import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from './main';

describe('eventstore command line', () => {
  it('defaults to loopback and ./data/eventstore', () => {
    expect(parseCommandLine(['--port', '0'])).toEqual({
      host: '127.0.0.1',
      port: 0,
      dataDir: './data/eventstore',
      // A process of its own syncs the WAL on its event loop.
      syncOnEventLoop: true,
    });
  });

  it('takes host, memory and TLS files', () => {
    expect(
      parseCommandLine([
        '--port',
        '2113',
        '--host',
        '0.0.0.0',
        '--memory',
        '--tls-cert',
        'c.pem',
        '--tls-key',
        'k.pem',
      ]),
    ).toEqual({
      host: '0.0.0.0',
      port: 2113,
      memory: true,
      tls: { certFile: 'c.pem', keyFile: 'k.pem' },
      syncOnEventLoop: true,
    });
  });

  it('takes --synchronous and a --users-file with TLS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-users-'));
    const file = join(dir, 'users.json');
    writeFileSync(file, JSON.stringify([{ username: 'clerk', password: 'pw', groups: ['office'] }]));
    try {
      const options = parseCommandLine([
        '--tls-cert',
        'c.pem',
        '--tls-key',
        'k.pem',
        '--users-file',
        file,
        '--synchronous',
        'normal',
      ]);
      expect(options.users).toEqual([{ username: 'clerk', password: 'pw', groups: ['office'] }]);
      expect(options.synchronous).toBe('normal');
      // Without TLS nobody logs in, so a users file there is a mistake.
      expect(() => parseCommandLine(['--users-file', file])).toThrow(/needs TLS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the append size and the request timeouts from flags or the real server's environment names", () => {
    const env = {
      EVENTSTORE_COMMIT_TIMEOUT_MS: '1',
      EVENTSTORE_PREPARE_TIMEOUT_MS: '1',
      EVENTSTORE_MAX_APPEND_SIZE: '10',
    };
    expect(parseCommandLine(['--memory'], env)).toMatchObject({
      commitTimeoutMs: 1,
      prepareTimeoutMs: 1,
      maxAppendSize: 10,
    });
    expect(parseCommandLine(['--memory', '--commit-timeout-ms', '2000'], env).commitTimeoutMs).toBe(2000);
    expect(parseCommandLine(['--memory'])).not.toHaveProperty('commitTimeoutMs');
    expect(() => parseCommandLine(['--memory'], { EVENTSTORE_COMMIT_TIMEOUT_MS: 'soon' })).toThrow(
      'invalid EVENTSTORE_COMMIT_TIMEOUT_MS: soon',
    );
  });

  it.each([
    [['--commit-timeout-ms', '0']],
    [['--max-append-size', '-1']],
    [['--synchronous', 'off']],
    [['--port', 'x']],
    [['--port', '70000']],
    [['--data', 'd', '--memory']],
    [['--tls-cert', 'c.pem']],
    [['--unknown']],
  ])('rejects %j', (argv) => {
    expect(() => parseCommandLine(argv)).toThrow();
  });
});
