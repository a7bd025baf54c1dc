import { Controller, Get, Header, Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { PLATFORM_OPTIONS, type PlatformOptions } from './platform-options';

/** One Prometheus registry per app, with Node process metrics; apps register their own metrics on it. */
@Injectable()
export class MetricsRegistry extends Registry {
  constructor(@Inject(PLATFORM_OPTIONS) options: PlatformOptions) {
    super();
    this.setDefaultLabels({ service: options.serviceName });
    collectDefaultMetrics({ register: this });
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
