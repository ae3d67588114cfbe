import { writeFileSync } from 'node:fs';

/**
 * A row of `npm run bench`'s table (bench/all.ts). `ratio` is the figure's speed over the baseline's, both
 * measured in the same run.
 */
export interface BenchRow {
  benchmark: string;
  figure: string;
  baseline?: string;
  ratio?: string;
  aim?: string;
}

/**
 * Standalone, a bench prints its figures and nothing more; when BENCH_RESULT_FILE is set (bench/all.ts sets
 * it), it also writes its rows there as JSON.
 */
export function writeRows(rows: BenchRow[]): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (file) writeFileSync(file, JSON.stringify({ rows }, null, 2));
}

/** 12345.6 → "12,346". */
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Milliseconds to one decimal: "23.7". */
export const ms = (x: number): string => x.toFixed(1);

/** A duration: "850.2 ms", "7.7 s", "264 s". */
export const duration = (milliseconds: number): string =>
  milliseconds < 1000
    ? `${ms(milliseconds)} ms`
    : milliseconds < 100_000
      ? `${(milliseconds / 1000).toFixed(1)} s`
      : `${int(milliseconds / 1000)} s`;

/** A ratio to two decimals. */
export const ratio = (x: number): string => x.toFixed(2);
