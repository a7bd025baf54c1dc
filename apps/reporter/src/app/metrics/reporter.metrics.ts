import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@pipeline/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

export type RenderTrigger = 'schedule' | 'request';

/** The reporter's own series on the app's registry (which already carries service="reporter" and process metrics). */
@Injectable()
export class ReporterMetrics {
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly chartRenderDuration: Histogram<'chart' | 'trigger'>;
  readonly chartRenderFailures: Counter<'chart'>;
  readonly chartSetLastSuccess: Gauge;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.httpRequests = new Counter({
      name: 'reporter_http_requests_total',
      help: 'HTTP requests answered, by matched route (not raw URL) and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'reporter_http_request_duration_seconds',
      help: 'Time from request to response finished, by matched route',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.chartRenderDuration = new Histogram({
      name: 'reporter_chart_render_duration_seconds',
      help: 'Drawing and PNG encoding of one chart',
      labelNames: ['chart', 'trigger'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.chartRenderFailures = new Counter({
      name: 'reporter_chart_render_failures_total',
      help: 'Charts that failed to render',
      labelNames: ['chart'],
      registers,
    });
    this.chartSetLastSuccess = new Gauge({
      name: 'reporter_chart_set_last_success_timestamp_seconds',
      help: 'When the scheduled chart set was last written completely (Unix time)',
      registers,
    });
  }
}
