import * as grpc from '@grpc/grpc-js';
import { SqliteEventLog, isMetastream } from '../storage/sqlite-event-log';
import { AclAction, StreamAcl } from '../storage/stream-metadata';
import { ANONYMOUS, Caller, UserDirectory } from './users';

export type StreamOperation = 'read' | 'write' | 'delete';

/** What the guard reads of a call: its metadata, and the client certificate its TLS connection verified. */
export type GuardedCall = Pick<grpc.ServerUnaryCall<unknown, unknown>, 'metadata' | 'getAuthContext'>;

/**
 * Who may do what, as EventStoreDB's ACL policy decides it in secure mode: the caller must be
 * authenticated (anonymous stream access is off by default since 23.10); `$all` can be read but never
 * written or deleted; a metastream's read/write are the stream's `$mr`/`$mw`; `$admins` may do anything
 * else; otherwise the stream's `$acl`, then the `$settings` default for user or system (`$`) streams, then
 * the built-in default, each per action; the role `$all` means every authenticated user.
 */
export interface Guard {
  /**
   * The caller: from the credentials in the call's metadata, else from a client certificate the CA signed
   * (its common name, a user's name), else anonymous; undefined when credentials were sent but are not valid.
   */
  caller(call: GuardedCall): Caller | undefined;
  allows(caller: Caller, operation: StreamOperation, stream: string): boolean;
  /** Whether the caller may run an operation of the whole node (a backup of the log): `$admins` only. */
  administers(caller: Caller): boolean;
}

/** Insecure mode: no authentication, no authorization (like a real node started with `--insecure`). */
export const OPEN_GUARD: Guard = { caller: () => ANONYMOUS, allows: () => true, administers: () => true };

const ALL: readonly string[] = ['$all'];
const ADMINS: readonly string[] = ['$admins'];
const DEFAULT_USER_ACL: Required<StreamAcl> = { $r: ALL, $w: ALL, $d: ALL, $mr: ALL, $mw: ALL };
const DEFAULT_SYSTEM_ACL: Required<StreamAcl> = {
  $r: ADMINS,
  $w: ADMINS,
  $d: ADMINS,
  $mr: ADMINS,
  $mw: ADMINS,
};
const ACTIONS: Record<StreamOperation, AclAction> = { read: '$r', write: '$w', delete: '$d' };

export class AccessControl implements Guard {
  constructor(
    private readonly log: SqliteEventLog,
    private readonly users: UserDirectory,
  ) {}

  caller(call: GuardedCall): Caller | undefined {
    const header = call.metadata.get('authorization')[0];
    // Credentials sent with the call take precedence over the certificate, as on the real server.
    if (header !== undefined) return this.users.authenticate(String(header));
    const name = call.getAuthContext().sslPeerCertificate?.subject?.CN;
    return (typeof name === 'string' && this.users.named(name)) || ANONYMOUS;
  }

  allows(caller: Caller, operation: StreamOperation, stream: string): boolean {
    if (caller.kind !== 'user') return false;
    if (stream === '$all' && operation !== 'read') return false;
    let action = ACTIONS[operation];
    let target = stream;
    if (isMetastream(stream)) {
      if (operation === 'delete') return false;
      action = operation === 'read' ? '$mr' : '$mw';
      target = stream.slice(2);
    }
    if (caller.roles.has('$admins')) return true;
    const roles = this.rolesFor(target, action);
    return roles.includes('$all') || roles.some((role) => caller.roles.has(role));
  }

  administers(caller: Caller): boolean {
    return caller.kind === 'user' && caller.roles.has('$admins');
  }

  private rolesFor(stream: string, action: AclAction): readonly string[] {
    const system = stream.startsWith('$');
    const settings = this.log.systemSettings();
    // `$all` too: its ACL can be set in `$$$all`, as on the real server.
    const own = this.log.metadataOf(stream).acl;
    const fallback = system ? settings.systemStreamAcl : settings.userStreamAcl;
    return own?.[action] ?? fallback?.[action] ?? (system ? DEFAULT_SYSTEM_ACL : DEFAULT_USER_ACL)[action];
  }
}
