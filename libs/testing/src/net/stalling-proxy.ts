import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';

/**
 * A TCP proxy in front of a server (the embedded event store) that can hold back the server's answers for a
 * while: requests still reach the server and are committed there, but the client hears nothing until the
 * stall ends, as when a busy or distant store answers after the client's deadline.
 */
export interface StallingProxy {
  readonly port: number;
  /** Holds every byte from the server to the clients for `ms` from now, then delivers them in order. */
  stallAnswers(ms: number): void;
  /** Cuts the connection that carries the server's next answer, dropping it: a connection lost mid-call. */
  cutNextAnswer(): void;
  close(): Promise<void>;
}

export async function startStallingProxy(target: { host: string; port: number }): Promise<StallingProxy> {
  let holdUntil = 0;
  let cut = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    const held: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (Date.now() < holdUntil) {
        timer = setTimeout(flush, holdUntil - Date.now());
        return;
      }
      for (const chunk of held.splice(0)) if (!client.destroyed) client.write(chunk);
    };
    upstream.on('data', (chunk: Buffer) => {
      if (cut) {
        cut = false;
        end();
        return;
      }
      if (held.length === 0 && Date.now() >= holdUntil) {
        client.write(chunk);
        return;
      }
      held.push(chunk);
      timer ??= setTimeout(flush, Math.max(0, holdUntil - Date.now()));
    });
    client.pipe(upstream);
    const end = () => {
      clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    port: (server.address() as AddressInfo).port,
    stallAnswers(ms: number) {
      holdUntil = Date.now() + ms;
    },
    cutNextAnswer() {
      cut = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
