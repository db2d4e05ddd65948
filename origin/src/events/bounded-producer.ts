import type { Message, Producer } from 'kafkajs';

/** A kafkajs producer whose sends are bounded in time: events must never hold up an upload, a PATCH or a webhook. */
export interface BoundedProducer {
  /** Resolves once Kafka acknowledged (acks all), or rejects with the cause within `timeoutMs`. */
  send(topic: string, messages: Message[]): Promise<void>;
  close(): Promise<void>;
}

/** Wraps `producer`: connected on first use, reconnected on the next send after a failure. */
export function boundedProducer(producer: Producer, timeoutMs: number): BoundedProducer {
  let connected: Promise<void> | undefined;
  let reset: Promise<unknown> = Promise.resolve();
  const connect = () => {
    if (connected) return connected;
    const attempt: Promise<void> = reset.then(() => producer.connect()).catch((error: unknown) => {
      if (connected === attempt) connected = undefined; // the next send tries again
      throw error;
    });
    return (connected = attempt);
  };
  // A kafkajs producer that met an unresponsive broker can stay wedged: its seed broker counts as connected,
  // so connect() returns at once and every send fails "Broker not connected" long after the broker is back.
  // Disconnecting clears its broker pool, so the next send connects from scratch.
  const forgetConnection = () => {
    connected = undefined;
    reset = Promise.race([producer.disconnect().catch(() => {}), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  };
  return {
    async send(topic, messages) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([connect().then(() => producer.send({ topic, acks: -1, messages })), timeout]);
      } catch (error) {
        forgetConnection();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => producer.disconnect().catch(() => {}),
  };
}
