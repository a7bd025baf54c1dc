import type { GeneratedMessage } from '@pipeline/simulation';

/** Where the CLI sends what the generator produces: stdout (dry run) or Kafka. */
export interface MessageSink {
  /** Resolves once the batch is accepted (written, or acknowledged by the broker); the runner waits for it. */
  publish(batch: GeneratedMessage[]): Promise<void>;
  /** Flushes and releases the sink; called once, after the last publish. */
  close(): Promise<void>;
}
