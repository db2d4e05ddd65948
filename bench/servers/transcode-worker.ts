// A transcode worker in its own process (configured by the environment), for benchmarks that compare worker counts.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { loadTranscoderConfig } from '../../transcoder/src/config.ts';
import { createTranscodeWorker } from '../../transcoder/src/create-worker.ts';

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = loadTranscoderConfig();
const { worker, connection } = await createTranscodeWorker(config, pino({ level: config.logLevel }));
process.once('SIGTERM', () => worker.shutdown());
console.log('listening 0'); // bench/lib/process.ts waits for this line
await worker.run();
await connection.close();
