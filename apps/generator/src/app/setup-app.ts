import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiOkResponse, ApiServiceUnavailableResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentHealthEndpoints } from '@pipeline/platform';
import { AppModule } from './app.module';
import { GENERATOR_API_AUTH } from './generator/api-token.guard';
import { GeneratorConfig } from './generator.config';

/** The generator app as main.ts runs it, not yet listening. */
export async function createGeneratorApp(config: GeneratorConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(config));
  setupOpenApi(app, config);
  return app;
}

/** OpenAPI document at /docs-json, Swagger UI at /docs. */
export function setupOpenApi(app: INestApplication, config: GeneratorConfig): void {
  documentHealthEndpoints({ ApiOkResponse, ApiServiceUnavailableResponse });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('E-commerce pipeline generator')
      .setDescription(
        'Controls the simulated clickstream. Start, stop and rate changes need "Authorization: Bearer <token>" ' +
          `when the generator runs with GENERATOR_API_TOKEN set${config.GENERATOR_API_TOKEN ? ' (it is set on this instance)' : ' (it is not set on this instance)'}.`,
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'the value of GENERATOR_API_TOKEN' }, GENERATOR_API_AUTH)
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
