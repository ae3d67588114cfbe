import { Logger } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';

const HOST = '127.0.0.1';
const PORT = 6379;

/** True when something answers PING on host:port within `ms`. */
function answersPing(ms = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(ms, () => finish(false));
    socket.once('error', () => finish(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.connect(PORT, HOST, () => socket.write('PING\r\n'));
  });
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, binary);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export type LocalRedis = Readonly<{ stop(): Promise<void> }>;

/**
 * `npm start` on a machine with Redis installed but not running: when REDIS_URL is not set and nothing
 * answers on 127.0.0.1:6379, start `redis-server` there (data beside the event store's, in `data/redis`,
 * append-only file on, loopback only) and stop it on exit. Without a binary, say how to get one.
 */
export async function startLocalRedisIfMissing(options: {
  redisUrlSet: boolean;
  eventStoreDataDir: string;
}): Promise<LocalRedis | undefined> {
  const logger = new Logger('redis');
  if (options.redisUrlSet || (await answersPing())) return undefined;
  const binary = onPath('redis-server');
  if (!binary) {
    logger.warn(
      `No Redis answers on ${HOST}:${PORT} and no redis-server is on the PATH: install Redis ` +
        '(Debian/Ubuntu: sudo apt-get install redis-server; Fedora: sudo dnf install redis; macOS: brew install redis) ' +
        'and start it, or set REDIS_URL',
    );
    return undefined;
  }
  const dir = resolve(dirname(resolve(options.eventStoreDataDir)), 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    binary,
    [
      '--bind',
      HOST,
      '--port',
      String(PORT),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--protected-mode',
      'yes',
      '--logfile',
      join(dir, 'redis.log'),
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // If this process dies without stopping it (the grace period ran out), take it along.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  for (let i = 0; i < 50 && child.exitCode === null; i++) {
    if (await answersPing(200)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  logger.log(
    `No Redis answered on ${HOST}:${PORT}: started ${binary} there (pid ${child.pid}, data in ${dir}, ` +
      'append-only); it stops with the tracker',
  );
  return {
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      logger.log('stopped the redis-server it had started');
    },
  };
}
