import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@pipeline/platform';
import type { AddressInfo } from 'node:net';
import { of } from 'rxjs';
import { AppModule } from './app.module';
import { GeneratorConfig } from './generator.config';
import { ENSURE_TOPICS, GeneratorService, KAFKA_PRODUCER } from './generator/generator.service';
import { setupOpenApi } from './setup-app';

/** Stands in for the Nest Kafka client (our dependency, not kafkajs); the real broker is in pipeline-e2e. */
const kafkaClient = { connect: async () => undefined, close: async () => undefined, emitBatch: () => of(undefined) };

async function startGenerator(env: Record<string, string> = {}) {
  const config = loadConfig(GeneratorConfig, { GENERATOR_AUTOSTART: 'false', GENERATOR_RATE: '5', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(KAFKA_PRODUCER)
    .useValue(kafkaClient)
    .overrideProvider(ENSURE_TOPICS)
    .useValue(async () => undefined)
    .compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  setupOpenApi(app, config);
  await app.listen(0, '127.0.0.1');
  await app.get(GeneratorService).ready;
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${baseUrl}${path}`, { method, body: init.body, headers: init.headers });
    const text = await response.text();
    let json: { message?: string | string[] } & Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: the assertion on `text` says what it was
    }
    return { status: response.status, json, text, headers: response.headers };
  };
  return { app, call };
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('generator HTTP API', () => {
  describe('with GENERATOR_API_TOKEN set', () => {
    let generator: Awaited<ReturnType<typeof startGenerator>>;
    beforeAll(async () => {
      generator = await startGenerator({ GENERATOR_API_TOKEN: 's3cret-token' });
    });
    afterAll(() => generator.app.close());

    it.each([
      ['POST', '/generator/start', undefined],
      ['POST', '/generator/stop', undefined],
      ['PUT', '/generator/rate', '{"rate":20}'],
    ])('%s %s without the token: 401 with a message and a Bearer challenge', async (method, path, body) => {
      const response = await generator.call(method, path, { body, headers: JSON_TYPE });
      expect(response.status).toBe(401);
      expect(response.json.message).toBe(`${method} ${path} needs "Authorization: Bearer <token>" (the generator's GENERATOR_API_TOKEN)`);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="generator"');
    });

    it('refuses a wrong token with 401', async () => {
      const response = await generator.call('PUT', '/generator/rate', { body: '{"rate":20}', headers: { ...JSON_TYPE, Authorization: 'Bearer guess' } });
      expect(response.status).toBe(401);
      expect(response.json.message).toBe('the bearer token does not match GENERATOR_API_TOKEN');
    });

    it('accepts the right token: start, rate, stop answer 200', async () => {
      const auth = { Authorization: 'Bearer s3cret-token' };
      expect((await generator.call('POST', '/generator/start', { headers: auth })).status).toBe(200);
      const rate = await generator.call('PUT', '/generator/rate', { body: '{"rate":20}', headers: { ...JSON_TYPE, ...auth } });
      expect(rate.status).toBe(200);
      expect(rate.json['rate']).toBe(20);
      const stopped = await generator.call('POST', '/generator/stop', { headers: auth });
      expect(stopped.status).toBe(200);
      expect(stopped.json['running']).toBe(false);
    });

    it('keeps GET /generator/status, /health/live and /metrics open', async () => {
      expect((await generator.call('GET', '/generator/status')).status).toBe(200);
      expect((await generator.call('GET', '/health/live')).status).toBe(200);
      const metrics = await generator.call('GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/^generator_target_rate\{service="generator"\} \d+$/m);
    });

    it('documents the bearer scheme on the mutating endpoints in OpenAPI', async () => {
      const { json } = await generator.call('GET', '/docs-json');
      const document = json as unknown as {
        components: { securitySchemes: Record<string, { type: string; scheme: string }> };
        paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
      };
      expect(document.components.securitySchemes['generator-api-token']).toMatchObject({ type: 'http', scheme: 'bearer' });
      for (const [path, method] of [['/generator/start', 'post'], ['/generator/stop', 'post'], ['/generator/rate', 'put']]) {
        expect(document.paths[path][method].security).toEqual([{ 'generator-api-token': [] }]);
        expect(document.paths[path][method].responses).toHaveProperty('401');
      }
      expect(document.paths['/generator/status']['get'].security).toBeUndefined();
    });
  });

  describe('without GENERATOR_API_TOKEN', () => {
    let generator: Awaited<ReturnType<typeof startGenerator>>;
    beforeAll(async () => {
      generator = await startGenerator();
    });
    afterAll(() => generator.app.close());

    it('leaves the controls open (loopback by default)', async () => {
      const response = await generator.call('PUT', '/generator/rate', { body: '{"rate":"max"}', headers: JSON_TYPE });
      expect(response.status).toBe(200);
      expect(response.json['rate']).toBe('max');
    });

    const deep = (depth: number) => `{"rate":5,"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    it.each([
      ['invalid JSON', '{"rate": 5', JSON_TYPE, /after property value in JSON at position 10/],
      ['a body nested 10,000 deep', deep(10_000), JSON_TYPE, /^the body nests deeper than 16 levels$/],
      ['a body nested 17 deep', deep(16), JSON_TYPE, /^the body nests deeper than 16 levels$/],
      ['text/plain', '{"rate": 5}', { 'Content-Type': 'text/plain' }, /^the body must be a JSON object, sent with Content-Type: application\/json$/],
      ['no body', undefined, {}, /^the body must be a JSON object/],
      ['a JSON array', '[{"rate": 5}]', JSON_TYPE, /^the body must be a JSON object/],
      ['a JSON string', '"max"', JSON_TYPE, /is not valid JSON/],
      ['null', 'null', JSON_TYPE, /is not valid JSON/],
      ['a huge number', '{"rate": 1e400}', JSON_TYPE, /^rate must be a number of events\/s from 1 to 1000000/],
      ['a long integer', `{"rate": ${'9'.repeat(400)}}`, JSON_TYPE, /^rate must be a number of events\/s/],
      ['a string number', '{"rate": "20"}', JSON_TYPE, /^rate must be a number of events\/s/],
      ['an object as rate', '{"rate": {"$gt": 1}}', JSON_TYPE, /^rate must be a number of events\/s/],
    ])('PUT /generator/rate with %s: 400 with a message', async (_name, body, headers, message) => {
      const response = await generator.call('PUT', '/generator/rate', { body, headers });
      expect({ status: response.status, text: response.text }).toMatchObject({ status: 400 });
      const messages = ([] as string[]).concat(response.json.message ?? []);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(message);
    });
  });
});
