import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { GeneratorConfig } from '../generator.config';

/** The OpenAPI name of the bearer scheme the mutating endpoints declare. */
export const GENERATOR_API_AUTH = 'generator-api-token';

/**
 * Guards the endpoints that change what the generator does. With GENERATOR_API_TOKEN set, a request needs
 * `Authorization: Bearer <that token>` (401 otherwise); unset, everything passes, as on a laptop bound to
 * loopback. Tokens are compared as SHA-256 digests with timingSafeEqual: equal lengths, constant time.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(config: GeneratorConfig) {
    this.expected = config.GENERATOR_API_TOKEN ? digest(config.GENERATOR_API_TOKEN) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match && timingSafeEqual(digest(match[1]), this.expected)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="generator"');
    throw new UnauthorizedException(
      header
        ? 'the bearer token does not match GENERATOR_API_TOKEN'
        : `${request.method} ${request.path} needs "Authorization: Bearer <token>" (the generator's GENERATOR_API_TOKEN)`,
    );
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
