import { pino, type Logger } from 'pino';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/worker';

/** One JSON line per event on stdout; every line names the service so parts can be told apart. */
export function createTranscoderLogger(level: string): Logger {
  // The SDK hands failures over as `error`; pino only serialises `err` by default.
  return pino({ level, base: { service: 'transcoder' }, serializers: { error: pino.stdSerializers.err, err: pino.stdSerializers.err } });
}

const pinoLevelOf: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the SDK's logs (workflow `log`, worker lifecycle) into pino, with the workflowId/runId the SDK attaches. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    this.logger[pinoLevelOf[level]](meta, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
