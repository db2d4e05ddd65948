// Prints latest.json as the Markdown table and machine line bench/README.md shows. Run: node --import tsx bench/lib/report.ts
import { markdownTable, readResults } from './results.ts';

const { machine, results } = await readResults();
if (machine) {
  console.log(`Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}, wrangler ${machine.wrangler ?? '?'}, FFmpeg ${machine.ffmpeg ?? '?'}; load average at the last write ${machine.loadAverage.join(' / ')}; ${machine.at}\n`);
}
console.log(markdownTable(results));
