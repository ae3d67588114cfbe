// The decider shapes (Emmett's order: decide(command, state)). Event and command type names are string
// literals: they are the storage contract, never class names.

export type Event<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export type Command<Type extends string = string, Data extends object = object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export type Decider<State, C extends Command, E extends Event> = {
  decide: (command: C, state: State) => E[];
  evolve: (state: State, event: E) => State;
  initialState: () => State;
};

/**
 * A record's id (a dossier's code, a feedback item's id): 1 to RECORD_ID_MAX letters, digits, dots, dashes or
 * underscores, starting with a letter or digit. The API's parameters and bodies, the list cursors and the steps
 * that name a record all take this.
 */
export const RECORD_ID_MAX = 80;
export const RECORD_ID = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${RECORD_ID_MAX - 1}}$`);

/** Who asked for a command: the token's subject and role. Stored in event metadata as `actor`. */
export type Role = 'clerk' | 'supervisor' | 'reform-office' | 'admin' | 'system';
export type Actor = Readonly<{ subject: string; role: Role; units?: readonly string[] }>;

/** A refusal the rules make. `kind` maps to HTTP: conflict 409 (state does not allow the step), rule 422,
 * not-found 404, forbidden 403. */
export type DomainErrorKind = 'conflict' | 'rule' | 'not-found' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const fold = <S, E>(evolve: (s: S, e: E) => S, initial: S, events: readonly E[]): S =>
  events.reduce(evolve, initial);
