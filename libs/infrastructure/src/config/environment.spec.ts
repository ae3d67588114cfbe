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

  it('given no backup directory, there is no nightly backup; with one, it keeps 14 unless told', () => {
    expect(loadEnvironment({}).EVENTSTORE_BACKUP_DIR).toBeUndefined();
    expect(loadEnvironment({ EVENTSTORE_BACKUP_DIR: '/srv/b' })).toMatchObject({
      EVENTSTORE_BACKUP_DIR: '/srv/b',
      EVENTSTORE_BACKUP_KEEP: 14,
    });
    expect(loadEnvironment({ EVENTSTORE_BACKUP_KEEP: '30' }).EVENTSTORE_BACKUP_KEEP).toBe(30);
    expect(() => loadEnvironment({ EVENTSTORE_BACKUP_KEEP: '0' })).toThrow(/EVENTSTORE_BACKUP_KEEP/);
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

  it('given the national portal settings, when loaded, then all five are required together', () => {
    expect(loadEnvironment({}).nationalPortal).toBeUndefined();
    const portal = {
      NATIONAL_PORTAL_AUTH_URL: 'http://lgsp.local:8080/auth',
      NATIONAL_PORTAL_SYNC_URL: 'https://lgsp.example.vn/dvcqg',
      NATIONAL_PORTAL_USERNAME: 'tinh',
      NATIONAL_PORTAL_PASSWORD: 'secret',
      NATIONAL_PORTAL_UNIT_CODE: '000.00.00.H40',
    };
    expect(loadEnvironment(portal).nationalPortal).toEqual({
      authUrl: portal.NATIONAL_PORTAL_AUTH_URL,
      syncUrl: portal.NATIONAL_PORTAL_SYNC_URL,
      username: 'tinh',
      password: 'secret',
      unitCode: '000.00.00.H40',
    });
    const { NATIONAL_PORTAL_PASSWORD: _, ...withoutPassword } = portal;
    expect(() => loadEnvironment({ ...withoutPassword, NATIONAL_PORTAL_AUTH_URL: 'ftp://x' })).toThrow(
      /NATIONAL_PORTAL_AUTH_URL[\s\S]*NATIONAL_PORTAL_PASSWORD/,
    );
  });
});
