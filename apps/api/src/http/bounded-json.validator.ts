import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Nesting depth of a JSON value (a scalar is 0), stopping as soon as it passes `limit`. */
function depthOf(value: unknown, limit: number, depth = 0): number {
  if (typeof value !== 'object' || value === null) return depth;
  if (depth >= limit) return depth + 1;
  let deepest = depth + 1;
  for (const v of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(v, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}

/** Free-form JSON (a correction's `value`) bounded like every other field: at most `maxBytes` as JSON, `maxDepth` levels. */
export const IsBoundedJson = (bounds: { maxBytes: number; maxDepth: number }, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isBoundedJson',
      validator: {
        validate: (value: unknown) =>
          depthOf(value, bounds.maxDepth) <= bounds.maxDepth &&
          Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= bounds.maxBytes,
        defaultMessage: () =>
          `$property must be at most ${bounds.maxBytes} bytes as JSON and ${bounds.maxDepth} levels deep`,
      },
    },
    options,
  );
