import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@pipeline/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

@Injectable()
export class GeneratorMetrics {
  readonly produced: Counter<'event_type'>;
  readonly sendErrors: Counter;
  readonly sendLatency: Histogram;
  readonly targetRate: Gauge;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.produced = new Counter({ name: 'generator_events_produced_total', help: 'Events acknowledged by Kafka', labelNames: ['event_type'], registers });
    this.sendErrors = new Counter({ name: 'generator_send_errors_total', help: 'Failed produce requests', registers });
    this.sendLatency = new Histogram({
      name: 'generator_send_duration_seconds',
      help: 'Time for Kafka to acknowledge one batch (acks=all)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.targetRate = new Gauge({ name: 'generator_target_rate', help: 'Configured events/s (-1 = max)', registers });
  }
}
