/**
 * The commands benchmark's ceiling for any HTTP stack on this machine: the same dossier commands as the API's
 * routes take them, over bare node:http (a token compared, the body parsed, the command run through the same
 * handleCommand, event store client and stream state cache, a JSON answer), with nothing of Nest, Express,
 * class-validator, the guards or the answers' headers. Not the tracker: a measuring stick for
 * `npm run bench:commands`, which starts it beside the API (PORT, EVENTSTORE_CONNECTION_STRING).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { EventStoreDBClient } from '@eventstore/db-client';
import { TOKEN, commandRunner } from './dossier-lives';

const client = EventStoreDBClient.connectionString(process.env.EVENTSTORE_CONNECTION_STRING!);
const run = commandRunner(client);

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function serve(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const path = req.url ?? '';
  if (req.method === 'GET' && path === '/api/health') return answer(res, 200, { status: 'ok' });
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return answer(res, 401, { error: 'unauthenticated' });
  if (req.method !== 'POST' || !path.startsWith('/api/dossiers'))
    return answer(res, 404, { error: 'not found' });
  const code = await run({ path, body: JSON.parse(body) as Record<string, unknown> });
  answer(res, 201, { code });
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    serve(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) =>
      answer(res, 500, { error: String(error) }),
    );
  });
}).listen(Number(process.env.PORT), '127.0.0.1');

// A stop lets node write its CPU profile (--cpu-prof) as the API's does.
process.on('SIGTERM', () => {
  void client.dispose().finally(() => process.exit(0));
});
