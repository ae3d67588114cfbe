// How every aggregate with a lifecycle (dossier, feedback) dispatches a command: its receipt first (a new
// one, or a repeat on the one received), nothing else before it exists, then the system's two flags
// (overdue, due soon), and every other command is a step recorded on the timeline.
import type { Command, Decider, Event } from './event-sourcing.types';

/** The state before the receipt. */
type NotReceived = Readonly<{ status: 'none' }>;
type Of<C extends Command, T> = Extract<C, { type: T }>;

export type LifecycleCommands<C extends Command> = Readonly<{
  receive: C['type'];
  flagOverdue: C['type'];
  flagDueSoon: C['type'];
}>;

/**
 * A decider from its per-command parts: `deciderOf<State, Command, Event>()({ ... })`, the command types of
 * the receipt and the flags named in `commands`.
 */
export const deciderOf =
  <S extends Readonly<{ status: string }>, C extends Command, E extends Event>() =>
  <const T extends LifecycleCommands<C>>(parts: {
    commands: T;
    initialState: () => S;
    evolve: (state: S, event: E) => S;
    receive: (command: Of<C, T['receive']>, state: S) => E[];
    /** The refusal of any other command before the receipt. */
    notFound: () => Error;
    flagOverdue: (command: Of<C, T['flagOverdue']>, state: Exclude<S, NotReceived>) => E[];
    flagDueSoon: (command: Of<C, T['flagDueSoon']>, state: Exclude<S, NotReceived>) => E[];
    recordStep: (command: Exclude<C, { type: T[keyof T] }>, state: Exclude<S, NotReceived>) => E[];
  }): Decider<S, C, E> => ({
    initialState: parts.initialState,
    evolve: parts.evolve,
    decide: (command, state) => {
      if (command.type === parts.commands.receive)
        return parts.receive(command as Of<C, T['receive']>, state);
      if (state.status === 'none') throw parts.notFound();
      const live = state as Exclude<S, NotReceived>;
      if (command.type === parts.commands.flagOverdue)
        return parts.flagOverdue(command as Of<C, T['flagOverdue']>, live);
      if (command.type === parts.commands.flagDueSoon)
        return parts.flagDueSoon(command as Of<C, T['flagDueSoon']>, live);
      return parts.recordStep(command as Exclude<C, { type: T[keyof T] }>, live);
    },
  });
