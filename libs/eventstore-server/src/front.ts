import { IncomingMessage, ServerResponse, createServer as createHttpServer } from 'node:http';
import { Server as NetServer, Socket, createServer as createNetServer } from 'node:net';
import { TLSSocket, createServer as createTlsServer } from 'node:tls';
import { SERVER_VERSION } from './grpc/server-features.grpc-service';

/** HTTP/2's connection preface starts so; an HTTP/1.1 request starts with its method. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/** The node's port: gRPC, a few HTTP/1.1 routes, and the connections of both. */
export interface Front {
  readonly port: number;
  /** Stops listening and drops every connection, as a stopping node's drop: calls in flight end UNAVAILABLE. */
  close(): void;
}

/**
 * The node's one port, as a real node's: gRPC (HTTP/2) for the clients, and HTTP/1.1 for the few routes that
 * health checks and the clients' own HTTP requests use (`/ping`, `/health/live`, `/info`; anything else 404).
 * With TLS the handshake ends here and ALPN tells the two apart (h2, else HTTP/1.1); in clear text the first
 * bytes do (HTTP/2's preface). gRPC connections go to `grpc` (grpc-js's connection injector, in clear text).
 */
export async function listenFront(options: {
  host: string;
  port: number;
  /** With `ca`, clients may present a certificate it signed (not required; see AccessControl.caller). */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
  grpc: (connection: Socket) => void;
}): Promise<Front> {
  const web = createHttpServer(httpRoutes);
  const connections = new Set<Socket>();
  const keep = (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    // A client that goes away mid-handshake or mid-request is its own business.
    socket.on('error', () => undefined);
  };
  const route = (socket: Socket, h2: boolean) => (h2 ? options.grpc(socket) : web.emit('connection', socket));
  const server: NetServer = options.tls
    ? createTlsServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ALPNProtocols: ['h2', 'http/1.1'],
          ...(options.tls.ca ? { ca: options.tls.ca, requestCert: true, rejectUnauthorized: false } : {}),
        },
        (s) => route(s, (s as TLSSocket).alpnProtocol === 'h2'),
      )
    : createNetServer((socket) => sniff(socket, route));
  // Raw sockets (before TLS): destroying them ends their TLS socket too.
  server.on('connection', keep);
  if (options.tls) server.on('tlsClientError', (_error, socket) => socket.destroy());
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
  return {
    port,
    close() {
      server.close();
      web.close();
      for (const socket of connections) socket.destroy();
      connections.clear();
    },
  };
}

/** Reads a clear-text connection's first bytes, puts them back, and routes it by them. */
function sniff(socket: Socket, route: (socket: Socket, h2: boolean) => void): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const seen = Math.min(head.length, H2_PREFACE.length);
    const h2 = head.subarray(0, seen).equals(H2_PREFACE.subarray(0, seen));
    // Two bytes tell "PRI" from every HTTP/1.1 method ("PO", "PU", "PA" among those starting with P).
    if (h2 && seen < 2) return;
    socket.off('data', onData);
    if (h2) {
      // HTTP/2 reads what is already buffered on the socket before its own reads.
      socket.pause();
      socket.unshift(head);
      return route(socket, true);
    }
    // The HTTP/1.1 server reads the socket's handle itself from now on: the bytes read here are handed over.
    route(socket, false);
    socket.emit('data', head);
  };
  socket.on('data', onData);
}

/** What a real node answers on these routes, with no authentication (as there: they are for health checks). */
function httpRoutes(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  const json = (body: unknown) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method === 'GET' && path === '/ping') {
    return json({ msgTypeId: 1, text: 'Ping request successfully handled' });
  }
  if ((request.method === 'GET' || request.method === 'HEAD') && path === '/health/live') {
    response.writeHead(204);
    return void response.end();
  }
  if (request.method === 'GET' && path === '/info') {
    return json({
      esVersion: SERVER_VERSION,
      state: 'leader',
      features: { projections: false, userManagement: false },
    });
  }
  response.writeHead(404, { 'content-type': 'text/plain' });
  response.end('Not Found');
}
