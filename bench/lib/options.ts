// How big a run is: full by default, seconds-long with `--quick` (or BENCH_QUICK=1, which `vora bench --quick` sets).

export const quick = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');

/** Positional arguments after the script path, flags (`--…`) left out. */
const positional = () => process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

/** The value of `--name N` or `--name=N` in `argv`, or undefined. Pure. */
export function flagValue(argv: string[], name: string): string | undefined {
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return undefined;
  const arg = argv[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

/** A numeric flag (`--minutes 30`, which `npm run bench -- soak --minutes 30` passes on), else the environment variable, else the default. */
export function flagSetting(name: { flag: string; env: string }, defaults: { full: number; quick: number }): number {
  const given = flagValue(process.argv.slice(2), name.flag) ?? process.env[name.env];
  if (given === undefined || given === '') return quick ? defaults.quick : defaults.full;
  const value = Number(given);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name.flag} (or ${name.env}) must be a positive number, got ${JSON.stringify(given)}`);
  return value;
}

/**
 * A numeric setting: the script's `position`-th argument when run directly, else the environment variable
 * (the way through `npm run bench`), else the quick or full default. A value that is not a positive number is an error.
 */
export function numberSetting(name: { env: string; position: number }, defaults: { full: number; quick: number }): number {
  const given = positional()[name.position] ?? process.env[name.env];
  if (given === undefined || given === '') return quick ? defaults.quick : defaults.full;
  const value = Number(given);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name.env} (or argument ${name.position + 1}) must be a positive number, got ${JSON.stringify(given)}`);
  return value;
}

/** Label for notes: which mode produced a figure. */
export const modeNote = quick ? 'QUICK mode (smoke check, not a measurement)' : '';
