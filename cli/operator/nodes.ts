import type { Command } from 'commander';
import type { NodeDrainAnswer, NodeRecord } from '../../contracts/nodes.ts';
import { originClient, type HttpMethod } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { printJson, printLine, printTable } from '../lib/output.ts';
import { bar, formatAgo } from '../lib/units.ts';

/** Pure: one row per node — id, region, state, load bar with %, last seen. */
export function nodeRows(nodes: NodeRecord[], nowMs: number): string[][] {
  return nodes.map((n) => [
    n.nodeId,
    n.region,
    n.drainedByOperator ? 'draining (operator)' : n.state,
    `${bar(n.load)} ${String(Math.round(n.load * 100)).padStart(3)}%`,
    formatAgo(n.seenAt, nowMs),
  ]);
}

/** The registry through the origin's `/v1/nodes`: operators need only their API token. */
async function nodesRequest<T>(method: HttpMethod, suffix: string): Promise<T> {
  return originClient(loadCliConfig()).request<T>(method, `/v1/nodes${suffix}`);
}

/** `vora nodes ls | drain ID | undrain ID`: the CDN node registry at the edge. */
export function registerNodesCommand(program: Command): void {
  const nodes = program.command('nodes').description('CDN nodes known to the edge (live heartbeats only)');

  nodes
    .command('ls')
    .description('list CDN nodes: id, region, state, load, last heartbeat')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { nodes: list } = await nodesRequest<{ nodes: NodeRecord[] }>('GET', '');
      if (options.json) printJson({ nodes: list });
      else printTable(['id', 'region', 'state', 'load', 'last seen'], nodeRows(list, Date.now()), 'no live CDN nodes: their agents heartbeat to the edge (`vora doctor` shows what runs)');
    });

  for (const [action, doing] of [['drain', 'stop sending viewers to'], ['undrain', 'send viewers again to']] as const) {
    nodes
      .command(action)
      .argument('<id>', 'node id')
      .description(`${doing} a node (kept until the opposite command)`)
      .option('--json', 'print JSON')
      .action(async (id: string, options: { json?: boolean }) => {
        const answer = await nodesRequest<NodeDrainAnswer>('POST', `/${encodeURIComponent(id)}/${action}`);
        if (options.json) return printJson(answer);
        printLine(`node ${answer.nodeId} ${answer.drained ? 'drained' : 'back in rotation'}${answer.node ? '' : ' (it sends no heartbeats at the moment)'}`);
      });
  }
}
