import { ConfigurationError, loadEnvironment } from './environment';

describe('environment', () => {
  it('given nothing, when loaded, then the one-machine defaults apply', () => {
    const env = loadEnvironment({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      EVENTSTORE_DATA_DIR: './data/eventstore',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'tracker:',
    });
    expect(env.EVENTSTORE_CONNECTION_STRING).toBeUndefined();
    expect(env.production).toBe(false);
  });

  it('given settings, when loaded, then they are kept and typed', () => {
    const env = loadEnvironment({
      NODE_ENV: 'production',
      PORT: '8080',
      EVENTSTORE_CONNECTION_STRING: 'esdb+discover://es.internal:2113?tls=true',
      REDIS_URL: 'redis://cache:6379/3',
    });
    expect(env.PORT).toBe(8080);
    expect(env.production).toBe(true);
    expect(env.REDIS_URL).toBe('redis://cache:6379/3');
  });

  it('given a connection string with credentials (a secure node), when loaded, then it is kept as is', () => {
    const value = 'esdb://tracker:p%40ss@es.internal:2113?tls=true&tlsCAFile=/etc/tracker/ca.crt';
    expect(loadEnvironment({ EVENTSTORE_CONNECTION_STRING: value }).EVENTSTORE_CONNECTION_STRING).toBe(value);
  });

  it('given a bad connection string with credentials, when loaded, then the error does not repeat the password', () => {
    expect(() => loadEnvironment({ EVENTSTORE_CONNECTION_STRING: 'tcp://tracker:hunter2@es:1113' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('given demo seeding in production, by variable or by --demo, then the configuration is refused', () => {
    expect(() => loadEnvironment({ NODE_ENV: 'production', TRACKER_DEMO: '1' })).toThrow(
      /TRACKER_DEMO[^\n]*refused when NODE_ENV=production/,
    );
    expect(() => loadEnvironment({ NODE_ENV: 'production' }, { demo: true })).toThrow(ConfigurationError);
    expect(loadEnvironment({ TRACKER_DEMO: 'true', TRACKER_DEMO_SCALE: '0.5' })).toMatchObject({
      TRACKER_DEMO: true,
      TRACKER_DEMO_SCALE: 0.5,
    });
    expect(loadEnvironment({}, { demo: true }).TRACKER_DEMO).toBe(true);
    expect(loadEnvironment({}).TRACKER_DEMO).toBe(false);
  });

  it('given bad settings, when loaded, then one error names each bad variable', () => {
    let error: unknown;
    try {
      loadEnvironment({
        PORT: 'eighty',
        NODE_ENV: 'staging',
        REDIS_URL: 'http://x',
        EVENTSTORE_CONNECTION_STRING: 'tcp://x',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'NODE_ENV', 'REDIS_URL', 'EVENTSTORE_CONNECTION_STRING'])
      expect(message).toContain(name);
  });
});
