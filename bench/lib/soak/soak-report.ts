// The soak's tables from its samples and counts. Pure.
import { fdNoise, judgeGrowth, rssNoiseMiB, type Growth } from './growth.ts';
import type { GroupSample } from './process-groups.ts';

export interface Sample {
  /** ms since the load started (negative: before it). */
  at: number;
  /** 1-minute load average. */
  load: number;
  groups: Record<string, GroupSample>;
}

export interface ComponentGrowth {
  name: string;
  processes: number;
  rss: Growth;
  fds: Growth;
  /** Open descriptors once the load had stopped and drained (sockets of the load closed). */
  fdsIdle: number | null;
}

const mib = (kib: number) => kib / 1024;

/** Each component's RSS (MiB) and descriptors over the samples under load; `idle` is the sample after the drain. */
export function componentGrowth(underLoad: Sample[], idle: Sample | null, warmAt: number): ComponentGrowth[] {
  const names = Object.keys(underLoad[0]?.groups ?? {});
  return names.map((name) => ({
    name,
    processes: underLoad.at(-1)!.groups[name]?.processes ?? 0,
    rss: judgeGrowth(underLoad.map((s) => ({ at: s.at, value: mib(s.groups[name]?.rssKiB ?? 0) })), warmAt, rssNoiseMiB),
    fds: judgeGrowth(underLoad.map((s) => ({ at: s.at, value: s.groups[name]?.fds ?? 0 })), warmAt, fdNoise),
    fdsIdle: idle?.groups[name]?.fds ?? null,
  }));
}

const signed = (x: number, digits = 0) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

export const componentHeaders = ['component', 'procs', 'RSS MiB start → warm → end', 'RSS growth (warm→end)', 'RSS last half', 'fds start → warm → end (idle)', 'fd growth', 'verdict'];

/** GROWS when RSS or fds still climb beyond noise in the last half; settled when they grew after the warm-up and stopped. */
function verdictOf(rss: Growth, fds: Growth): string {
  const growing = [rss.verdict === 'grows' ? `RSS +${rss.lastHalfGrowth.toFixed(0)} MiB in the last half` : '', fds.verdict === 'grows' ? `fds +${fds.lastHalfGrowth.toFixed(0)} in the last half` : ''].filter(Boolean);
  if (growing.length > 0) return `GROWS (${growing.join(', ')})`;
  if (rss.verdict === 'settled' || fds.verdict === 'settled') return 'settled (grew after the warm-up, flat in the last half)';
  return 'flat';
}

export function componentRows(growth: ComponentGrowth[]): string[][] {
  return growth.map(({ name, processes, rss, fds, fdsIdle }) => [
    name,
    String(processes),
    `${rss.start.toFixed(0)} → ${rss.warm.toFixed(0)} → ${rss.end.toFixed(0)}`,
    `${signed(rss.growth)} MiB (${signed((100 * rss.growth) / Math.max(1, rss.warm))} %)`,
    `${signed(rss.lastHalfGrowth)} MiB`,
    `${fds.start} → ${fds.warm} → ${fds.end}${fdsIdle === null ? '' : ` (${fdsIdle})`}`,
    signed(fds.growth),
    verdictOf(rss, fds),
  ]);
}

/** min / median / max of the 1-minute load average over the samples. */
export function loadSummary(samples: Sample[]): { min: number; median: number; max: number } {
  const loads = samples.map((s) => s.load).sort((a, b) => a - b);
  return { min: loads[0] ?? NaN, median: loads[Math.floor(loads.length / 2)] ?? NaN, max: loads.at(-1) ?? NaN };
}

export const processHeaders = ['component', 'process', 'RSS MiB start → warm → end', 'RSS last half'];

/** Each process of the components with more than one (the edge: its Node launcher and workerd), judged like a component. */
export function processRows(underLoad: Sample[], warmAt: number): string[][] {
  const last = underLoad.at(-1);
  if (!last) return [];
  return Object.entries(last.groups)
    .filter(([, group]) => Object.keys(group.byProcess ?? {}).length > 1)
    .flatMap(([component, group]) =>
      Object.keys(group.byProcess!).map((label) => {
        const rss = judgeGrowth(underLoad.map((s) => ({ at: s.at, value: mib(s.groups[component]?.byProcess?.[label] ?? 0) })), warmAt, rssNoiseMiB);
        return [component, label, `${rss.start.toFixed(0)} → ${rss.warm.toFixed(0)} → ${rss.end.toFixed(0)}`, `${signed(rss.lastHalfGrowth)} MiB`];
      }),
    );
}
