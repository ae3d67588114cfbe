import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessDeniedError,
  BACKWARDS,
  binaryEvent,
  Credentials,
  END,
  EventStoreDBClient,
  jsonEvent,
} from '@eventstore/db-client';
import { AppendReq, ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import * as grpc from '@grpc/grpc-js';
import {
  RunningEventStoreServer,
  insecureExposureWarning,
  loadUsersFile,
  startEventStoreServer,
} from '@tracker/eventstore-server';
import {
  collect,
  createTestCertificates,
  describeNeedsOwnServer,
  grpcClientOf,
  TestCertificates,
  uniqueToken,
} from '@tracker/testing/eventstore/test-event-store';
import { APPEND_PATHS, appendVia, readStreamEvents, revisionsOf, testEvents } from './contract-helpers';

/**
 * Users and ACLs as EventStoreDB has them in secure (TLS) mode: HTTP basic credentials in the call metadata,
 * default users admin/ops (password changeit), `$acl` in stream metadata, `$settings` defaults, system streams
 * and `$all` for `$admins`; AccessDenied for who may not, NotAuthenticated for bad credentials. Insecure mode
 * has no authentication at all.
 */
jest.setTimeout(30_000);

const ADMIN: Credentials = { username: 'admin', password: 'changeit' };
const OPS: Credentials = { username: 'ops', password: 'changeit' };
const CLERK: Credentials = { username: 'clerk', password: 's3cret-clerk' };

describeNeedsOwnServer('secure mode', () => {
  let certs: TestCertificates;
  let server: RunningEventStoreServer;
  const clients: EventStoreDBClient[] = [];
  const clientAs = (credentials?: Credentials, port = server.port) => {
    const client = new EventStoreDBClient(
      { endpoint: { address: '127.0.0.1', port } },
      { rootCertificate: certs.ca },
      credentials,
    );
    clients.push(client);
    return client;
  };
  const stream = (prefix = 'acl') => `${prefix}-${uniqueToken()}`;

  beforeAll(async () => {
    certs = createTestCertificates();
    server = await startEventStoreServer({
      port: 0,
      memory: true,
      tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile },
      users: [
        { username: 'admin', password: 'changeit', groups: ['$admins'] },
        { username: 'ops', password: 'changeit', groups: ['$ops'] },
        { username: 'clerk', password: 's3cret-clerk', groups: ['office'] },
      ],
    });
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await server?.close();
    certs?.cleanup();
  });

  /** Raw calls, to see the status codes the client folds into AccessDeniedError. */
  const rawCall = async (
    path: string,
    request: Uint8Array,
    credentials: Credentials | undefined,
    kind: 'server-stream' | 'client-stream',
  ): Promise<grpc.ServiceError | undefined> => {
    const raw = await grpcClientOf(clientAs(), grpc.Client);
    const metadata = new grpc.Metadata();
    if (credentials) {
      const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      metadata.set('authorization', `Basic ${token}`);
    }
    const identity = (b: Buffer) => b;
    const options = { deadline: new Date(Date.now() + 10_000) };
    return new Promise((resolve) => {
      if (kind === 'server-stream') {
        const call = raw.makeServerStreamRequest(
          path,
          identity,
          identity,
          Buffer.from(request),
          metadata,
          options,
        );
        call.on('data', () => undefined);
        call.on('error', (e: grpc.ServiceError) => resolve(e));
        call.on('end', () => resolve(undefined));
      } else {
        const call = raw.makeClientStreamRequest(path, identity, identity, metadata, options, (e) =>
          resolve(e ?? undefined),
        );
        call.on('error', () => undefined);
        call.write(Buffer.from(request));
        call.end();
      }
    });
  };
  const readRequest = (name: string) =>
    new ReadReq()
      .setOptions(
        new ReadReq.Options()
          .setStream(
            new ReadReq.Options.StreamOptions()
              .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(name)))
              .setStart(new Empty()),
          )
          .setCount('10')
          .setReadDirection(ReadReq.Options.ReadDirection.FORWARDS)
          .setNoFilter(new Empty())
          .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty())),
      )
      .serializeBinary();

  it('without credentials nothing is read or written: PERMISSION_DENIED, AccessDenied in the client', async () => {
    const anonymous = clientAs();
    const name = stream();
    await clientAs(ADMIN).appendToStream(name, testEvents(1));
    await expect(anonymous.appendToStream(name, testEvents(1))).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(readStreamEvents(anonymous, name)).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(anonymous.deleteStream(name)).rejects.toBeInstanceOf(AccessDeniedError);
    const error = await rawCall(
      '/event_store.client.streams.Streams/Read',
      readRequest(name),
      undefined,
      'server-stream',
    );
    expect(error?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(error?.metadata.get('exception')).toEqual(['access-denied']);
    expect(revisionsOf(await readStreamEvents(clientAs(ADMIN), name))).toEqual([0]);
  });

  it('unknown users and wrong passwords are not authenticated (UNAUTHENTICATED), on every path', async () => {
    const name = stream();
    for (const bad of [
      { username: 'AzureDiamond', password: 'hunter2' },
      { username: 'admin', password: 'wrong' },
    ]) {
      for (const path of APPEND_PATHS) {
        await expect(
          appendVia(path, clientAs(ADMIN), name, testEvents(1), {}).then(() =>
            clientAs(ADMIN).appendToStream(name, testEvents(1), { credentials: bad }),
          ),
        ).rejects.toBeInstanceOf(AccessDeniedError);
      }
      await expect(readStreamEvents(clientAs(bad), name)).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(clientAs(bad).appendToStream(name, testEvents(1))).rejects.toBeInstanceOf(
        AccessDeniedError,
      );
      const error = await rawCall(
        '/event_store.client.streams.Streams/Read',
        readRequest(name),
        bad,
        'server-stream',
      );
      expect(error?.code).toBe(grpc.status.UNAUTHENTICATED);
    }
    // Only the admin's own appends are there.
    expect(revisionsOf(await readStreamEvents(clientAs(ADMIN), name))).toEqual([0, 1, 2, 3]);
  });

  it.each(APPEND_PATHS)('%s: admin and ops write and read user streams by the default ACL', async (path) => {
    for (const who of [ADMIN, OPS, CLERK]) {
      const name = stream();
      await appendVia(path, clientAs(who), name, testEvents(2));
      expect(revisionsOf(await readStreamEvents(clientAs(who), name))).toEqual([0, 1]);
    }
  });

  it('$all and system streams are for $admins only', async () => {
    const admin = clientAs(ADMIN);
    const ops = clientAs(OPS);
    const events = await collect(admin.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 5 }));
    expect(events.length).toBeGreaterThan(0);
    await expect(collect(ops.readAll({ maxCount: 5 }))).rejects.toBeInstanceOf(AccessDeniedError);
    const sub = ops.subscribeToAll();
    const subscriptionError = await new Promise((resolve) => {
      sub.on('error', resolve);
      sub.on('data', () => undefined);
    });
    expect(subscriptionError).toBeInstanceOf(AccessDeniedError);
    await expect(readStreamEvents(ops, '$settings')).rejects.toBeInstanceOf(AccessDeniedError);
    const system = `$system-${uniqueToken()}`;
    await expect(ops.appendToStream(system, testEvents(1))).rejects.toBeInstanceOf(AccessDeniedError);
    await admin.appendToStream(system, testEvents(1));
    expect(revisionsOf(await readStreamEvents(admin, system))).toEqual([0]);
    // Nobody writes to $all, admins included.
    const error = await rawCall(
      '/event_store.client.streams.Streams/Append',
      new AppendReq()
        .setOptions(
          new AppendReq.Options()
            .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from('$all')))
            .setAny(new Empty()),
        )
        .serializeBinary(),
      ADMIN,
      'client-stream',
    );
    expect(error?.code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('a link resolves only to events the caller may read', async () => {
    const admin = clientAs(ADMIN);
    const secret = `$secret-${uniqueToken()}`;
    const links = stream('links');
    await admin.appendToStream(secret, testEvents(1));
    await admin.appendToStream(links, binaryEvent({ type: '$>', data: Buffer.from(`0@${secret}`) }));
    const asAdmin = await readStreamEvents(admin, links, { resolveLinkTos: true });
    expect(asAdmin[0].event?.streamId).toBe(secret);
    const asOps = await readStreamEvents(clientAs(OPS), links, { resolveLinkTos: true });
    expect(asOps.map((r) => [r.event, r.link?.streamId])).toEqual([[undefined, links]]);
  });

  it('a stream $acl ($r $w $d $mr $mw) decides per action, roles as users or groups', async () => {
    const admin = clientAs(ADMIN);
    const ops = clientAs(OPS);
    const clerk = clientAs(CLERK);
    const name = stream();
    await admin.appendToStream(name, testEvents(1));
    await admin.setStreamMetadata(name, {
      acl: {
        readRoles: ['office', 'ops'],
        writeRoles: ['office'],
        deleteRoles: ['$admins'],
        metaReadRoles: ['office'],
      },
    });
    // $r: the group `office` and the user `ops`.
    expect(revisionsOf(await readStreamEvents(clerk, name))).toEqual([0]);
    expect(revisionsOf(await readStreamEvents(ops, name))).toEqual([0]);
    // $w: the clerk only (admins always).
    await clerk.appendToStream(name, testEvents(1));
    await expect(ops.appendToStream(name, testEvents(1))).rejects.toBeInstanceOf(AccessDeniedError);
    // $d: admins only.
    await expect(clerk.deleteStream(name)).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(clerk.tombstoneStream(name)).rejects.toBeInstanceOf(AccessDeniedError);
    // $mr: the clerk reads the metadata, ops may not; $mw is unset, so the default ($all) lets ops write it.
    expect((await clerk.getStreamMetadata(name)).metadata?.acl).toBeDefined();
    await expect(ops.getStreamMetadata(name)).rejects.toBeInstanceOf(AccessDeniedError);
    await ops.setStreamMetadata(name, { acl: { readRoles: ['$admins'], writeRoles: ['$admins'] } });
    await expect(readStreamEvents(clerk, name)).rejects.toBeInstanceOf(AccessDeniedError);
    expect(revisionsOf(await readStreamEvents(admin, name))).toEqual([0, 1]);
  });

  it('$settings sets the default ACL of user streams', async () => {
    const admin = clientAs(ADMIN);
    const name = stream();
    await admin.appendToStream(name, testEvents(1));
    await admin.appendToStream(
      '$settings',
      jsonEvent({
        type: 'update-default-acl',
        data: {
          $userStreamAcl: {
            $r: ['$admins', 'office'],
            $w: '$admins',
            $d: '$admins',
            $mr: '$admins',
            $mw: '$admins',
          },
          $systemStreamAcl: { $r: '$admins', $w: '$admins', $d: '$admins', $mr: '$admins', $mw: '$admins' },
        },
      }),
    );
    try {
      expect(revisionsOf(await readStreamEvents(clientAs(CLERK), name))).toEqual([0]);
      await expect(readStreamEvents(clientAs(OPS), name)).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(clientAs(CLERK).appendToStream(name, testEvents(1))).rejects.toBeInstanceOf(
        AccessDeniedError,
      );
    } finally {
      await admin.appendToStream(
        '$settings',
        jsonEvent({
          type: 'update-default-acl',
          data: {
            $userStreamAcl: { $r: '$all', $w: '$all', $d: '$all', $mr: '$all', $mw: '$all' },
            $systemStreamAcl: { $r: '$admins', $w: '$admins', $d: '$admins', $mr: '$admins', $mw: '$admins' },
          },
        }),
      );
    }
    await clientAs(OPS).appendToStream(name, testEvents(1));
  });

  it('--users-file replaces the default users', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esdb-users-'));
    const file = join(dir, 'users.json');
    writeFileSync(
      file,
      JSON.stringify([{ username: 'chief', password: 'long-passphrase', groups: ['$admins'] }]),
    );
    const own = await startEventStoreServer({
      port: 0,
      memory: true,
      tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile },
      users: loadUsersFile(file),
    });
    writeFileSync(join(dir, 'bad.json'), '[{"username":"x"}]');
    try {
      expect(() => loadUsersFile(join(dir, 'bad.json'))).toThrow(/user #1/);
      const name = stream();
      await clientAs({ username: 'chief', password: 'long-passphrase' }, own.port).appendToStream(
        name,
        testEvents(1),
      );
      await expect(clientAs(ADMIN, own.port).appendToStream(name, testEvents(1))).rejects.toBeInstanceOf(
        AccessDeniedError,
      );
    } finally {
      await own.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a client certificate the CA signed authenticates the user it names; credentials sent take precedence', async () => {
    const certClient = (user: string, credentials?: Credentials, from = certs) => {
      const { certFile, keyFile } = from.userCertificate(user);
      const client = new EventStoreDBClient(
        { endpoint: { address: '127.0.0.1', port: server.port } },
        // The client's "files" are the PEM contents.
        {
          rootCertificate: certs.ca,
          userCertFile: readFileSync(certFile),
          userKeyFile: readFileSync(keyFile),
        },
        credentials,
      );
      clients.push(client);
      return client;
    };
    const name = stream('cert');
    // admin by its certificate: `$all` and system streams are for `$admins` only.
    await appendVia('BatchAppend', certClient('admin'), name, testEvents(1));
    expect((await collect(certClient('admin').readAll({ maxCount: 1 }))).length).toBe(1);
    // Credentials sent with the calls win over the certificate, as on the real server.
    await expect(
      appendVia('BatchAppend', certClient('admin', CLERK), '$system-cert', testEvents(1)),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    // A name that is no user, or a certificate of another CA, authenticates nobody.
    await expect(appendVia('BatchAppend', certClient('nobody'), name, testEvents(1))).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    const strangers = createTestCertificates();
    try {
      await expect(
        appendVia('BatchAppend', certClient('admin', undefined, strangers), name, testEvents(1)),
      ).rejects.toBeInstanceOf(AccessDeniedError);
    } finally {
      strangers.cleanup();
    }
    expect(revisionsOf(await readStreamEvents(clientAs(ADMIN), name))).toEqual([0]);
  });

  it('the connection string can carry the credentials', async () => {
    const client = EventStoreDBClient.connectionString(
      `esdb://ops:changeit@127.0.0.1:${server.port}?tls=true&tlsCAFile=${encodeURIComponent(certs.caFile)}`,
    );
    clients.push(client);
    const name = stream();
    await client.appendToStream(name, testEvents(1));
    expect(revisionsOf(await readStreamEvents(client, name))).toEqual([0]);
  });
});

describeNeedsOwnServer('insecure mode', () => {
  it('has no authentication: an $acl that names only admins stops nobody', async () => {
    const server = await startEventStoreServer({ port: 0, memory: true });
    const client = EventStoreDBClient.connectionString(server.connectionString);
    try {
      const name = `open-${uniqueToken()}`;
      await client.setStreamMetadata(name, {
        acl: { readRoles: ['$admins'], writeRoles: ['$admins'], deleteRoles: ['$admins'] },
      });
      await client.appendToStream(name, testEvents(1));
      expect(revisionsOf(await readStreamEvents(client, name))).toEqual([0]);
      await client.deleteStream(name);
    } finally {
      await client.dispose();
      await server.close();
    }
  });

  it('a non-loopback host without TLS gets a warning naming the risk', () => {
    expect(insecureExposureWarning({ host: '0.0.0.0' })).toMatch(
      /without TLS.*anyone who can reach this port/,
    );
    expect(insecureExposureWarning({ host: '192.168.1.10' })).toBeDefined();
    expect(insecureExposureWarning({ host: '127.0.0.1' })).toBeUndefined();
    expect(insecureExposureWarning({ host: '::1' })).toBeUndefined();
    expect(
      insecureExposureWarning({ host: '0.0.0.0', tls: { certFile: 'c', keyFile: 'k' } }),
    ).toBeUndefined();
  });
});
