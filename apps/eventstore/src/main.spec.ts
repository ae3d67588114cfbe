import { parseCommandLine } from './main';

describe('eventstore command line', () => {
  it('defaults to loopback and ./data/eventstore', () => {
    expect(parseCommandLine(['--port', '0'])).toEqual({
      host: '127.0.0.1',
      port: 0,
      dataDir: './data/eventstore',
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
    ).toEqual({ host: '0.0.0.0', port: 2113, memory: true, tls: { certFile: 'c.pem', keyFile: 'k.pem' } });
  });

  it.each([
    [['--port', 'x']],
    [['--port', '70000']],
    [['--data', 'd', '--memory']],
    [['--tls-cert', 'c.pem']],
    [['--unknown']],
  ])('rejects %j', (argv) => {
    expect(() => parseCommandLine(argv)).toThrow();
  });
});
