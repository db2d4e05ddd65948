// A transcode worker as its own process (configured by the environment), for tests that kill it mid-encode.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { loadTranscoderConfig } from '../../../transcoder/src/config.ts';
import { createTranscodeWorker } from '../../../transcoder/src/create-worker.ts';

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = loadTranscoderConfig();
const { worker } = await createTranscodeWorker(config, pino({ level: config.logLevel }));
console.log('ladder worker polling');
await worker.run();
