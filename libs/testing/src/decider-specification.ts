// Given/When/Then for deciders (Emmett's DeciderSpecification): given the recorded events, when a command
// is decided, then these events (or a refusal, or nothing). Uses jest's global `expect` for readable diffs.
import type { Command, Decider, Event } from '@tracker/domain';

export type ErrorCheck = string | ((error: unknown) => boolean);

export type DeciderThen<S, E> = {
  /** The decision equals `expected`; returns the state after folding it, for further checks. */
  then: (expected: E | readonly E[]) => S;
  /** The decision throws: with this DomainError code, or an error the predicate accepts. */
  thenThrows: (check?: ErrorCheck) => unknown;
  /** The decision is `[]` (a repeat, or nothing left to record). */
  thenNothingHappened: () => S;
};

export type DeciderGiven<S, C, E> = { when: (command: C) => DeciderThen<S, E>; state: () => S };

const asList = <T>(x: T | readonly T[]): T[] => (Array.isArray(x) ? [...(x as readonly T[])] : [x as T]);

export const DeciderSpecification = {
  for<S, C extends Command, E extends Event>(decider: Decider<S, C, E>) {
    return (given: E | readonly E[] = []): DeciderGiven<S, C, E> => {
      const state = (): S => asList(given).reduce(decider.evolve, decider.initialState());
      return {
        state,
        when: (command: C): DeciderThen<S, E> => {
          const run = (): E[] => decider.decide(command, state());
          return {
            then: (expected) => {
              const produced = run();
              expect(produced).toEqual(asList(expected));
              return produced.reduce(decider.evolve, state());
            },
            thenThrows: (check) => {
              let thrown: unknown;
              let decided: E[] | undefined;
              try {
                decided = run();
              } catch (error) {
                thrown = error;
              }
              if (decided !== undefined) {
                throw new Error(`Expected the decision to throw, it decided ${JSON.stringify(decided)}`);
              }
              if (typeof check === 'string') {
                expect((thrown as { code?: unknown }).code).toBe(check);
              } else if (check && !check(thrown)) {
                throw new Error(`The thrown error did not match: ${String(thrown)}`);
              }
              return thrown;
            },
            thenNothingHappened: () => {
              expect(run()).toEqual([]);
              return state();
            },
          };
        },
      };
    };
  },
};
