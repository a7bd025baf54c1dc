import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ReporterMetrics } from './reporter.metrics';

/** Label for requests no route matched (404s of unknown URLs): one series, whatever the URL was. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Counts every response once it is finished, labelled with the route pattern Express matched
 * ("/charts/:name.png"), so label values stay few whatever URLs clients send. A middleware rather than an
 * interceptor because it also sees requests that never reach a handler (unknown URLs, errors before it).
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: ReporterMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    // Nest mounts this middleware as a catch-all route, so req.route is already set to that one here;
    // a request no handler matched still carries it when the response finishes.
    const ownRoute: unknown = req.route;
    res.once('finish', () => {
      const route = req.route === ownRoute ? UNMATCHED_ROUTE : matchedRoute(req);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      this.metrics.httpDuration.observe({ method: req.method, route }, seconds);
    });
    next();
  }
}

export function matchedRoute(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}
