/**
 * The processor publishes no OpenAPI document: loading the shared health controller must not load @nestjs/swagger
 * (terminus's default @HealthCheck() requires it, ~80 ms of start-up CPU). Checked in a module registry of the
 * test's own, where swagger is replaced by a factory that records its load.
 */
describe('HealthController', () => {
  function swaggerLoadedBy(use: (platform: typeof import('../index')) => void): boolean {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock('@nestjs/swagger', () => {
        loaded = true;
        return jest.requireActual('@nestjs/swagger');
      });
      use(require('../index') as typeof import('../index'));
    });
    return loaded;
  }

  it('loads without @nestjs/swagger', () => {
    expect(swaggerLoadedBy((platform) => expect(platform.HealthController).toBeDefined())).toBe(false);
  });

  it('gets its OpenAPI responses from the app that documents it', () => {
    jest.isolateModules(() => {
      const platform = require('../index') as typeof import('../index');
      const swagger = require('@nestjs/swagger') as typeof import('@nestjs/swagger');
      platform.documentHealthEndpoints(swagger);
      for (const method of ['readiness', 'liveness'] as const) {
        const responses = Reflect.getMetadata(swagger.DECORATORS.API_RESPONSE, platform.HealthController.prototype[method]) as Record<string, unknown>;
        expect(Object.keys(responses).sort()).toEqual(['200', '503']);
      }
    });
  });
});
