import {
  projectionId,
  type AnyProjection,
  type EventFeed,
  type EventStore,
  type ProjectionHooks,
  type ProjectionSkips,
  type ProjectionStore,
} from '@tracker/application';
import { ProjectionSink } from './projection.sink';
import { SubscriptionRunner, SubscriptionRunnerOptions } from './subscription.runner';

export type RebuildOptions = Readonly<{
  /** Wait this long after switching readers before deleting the old generation (readers mid-query). */
  graceMs?: number;
  runner?: SubscriptionRunnerOptions;
  /** The projection's environment and effects (bindProjection): a rebuild runs them too, idempotent as they are. */
  hooks?: ProjectionHooks;
  /** Poison events skipped by decision stay skipped in the rebuild. */
  skips?: ProjectionSkips;
  /** Where a lean projection's states are restored from (required for one). */
  source?: EventStore;
  log?: (line: string) => void;
}>;

export type RebuildResult = Readonly<{
  projection: string;
  generation: number;
  replaced: number | undefined;
}>;

/**
 * Rebuilds a projection beside the live one: folds `$all` into a fresh generation of keys, and once it has
 * caught up and reached the live generation's checkpoint, switches readers to it in one atomic step (the
 * old generation stays whole until then, so readers never see a gap), then deletes the old generation.
 * A running worker notices the switch at its next commit (its WATCH on the pointer fails) and continues the
 * new generation from its checkpoint.
 */
export async function rebuildProjection(
  feed: EventFeed,
  store: ProjectionStore,
  projection: AnyProjection,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const name = projectionId(projection);
  const log = options.log ?? (() => undefined);
  const sink = new ProjectionSink(projection, store, {
    mode: 'new-generation',
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.skips ? { skips: options.skips } : {}),
    ...(options.source ? { source: options.source } : {}),
  });
  const runner = new SubscriptionRunner(feed, sink, {
    onPoison: (poison) =>
      log(
        `${name}: stopped at ${poison.position} (${poison.error}); waiting for npm run projections:skip -- ${name} ${poison.position} --reason "…"`,
      ),
    ...options.runner,
  });
  runner.start();
  try {
    await runner.whenCaughtUp();
    const generation = sink.generation!;
    log(`${name}: generation ${generation} caught up at ${runner.status().position ?? 'start'}`);
    for (;;) {
      const switched = await store.activate(projection, generation);
      if (switched) {
        log(`${name}: readers switched to generation ${generation}`);
        await runner.stop();
        if (switched.replaced !== undefined) {
          await new Promise((r) => setTimeout(r, options.graceMs ?? 2_000));
          await store.dropGeneration(projection, switched.replaced);
          log(`${name}: generation ${switched.replaced} deleted`);
        }
        return { projection: name, generation, replaced: switched.replaced };
      }
      // The live generation is ahead: chase its checkpoint, then try again.
      const live = await store.status(projection);
      if (live?.checkpoint.position !== undefined) await runner.waitForPosition(live.checkpoint.position);
    }
  } finally {
    await runner.stop();
  }
}
