import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiOkResponse, ApiServiceUnavailableResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentHealthEndpoints } from '@pipeline/platform';
import { AppModule } from './app.module';
import { ReporterConfig } from './reporter.config';

/** The reporter app as main.ts runs it (tests use the same), not yet listening. */
export async function createReporterApp(config: ReporterConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(config), { logger: options.logger });
  setupOpenApi(app);
  return app;
}

/** OpenAPI document at /docs-json, Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication): void {
  documentHealthEndpoints({ ApiOkResponse, ApiServiceUnavailableResponse });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('E-commerce pipeline reporter')
      .setDescription(
        'Figures from the stored hourly metrics and quality reports. Ranges are half-open [from, to) in UTC, ' +
          'at most 31 days; without from/to they cover the 24 hours up to the newest stored hour. ' +
          'Table endpoints answer CSV with a ".csv" suffix or "Accept: text/csv".',
      )
      .setVersion('1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
