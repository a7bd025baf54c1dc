import { Body, Controller, Get, HttpCode, Post, Put, UseGuards, ValidationPipe } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { GeneratorStats } from '@pipeline/simulation';
import { ApiTokenGuard, GENERATOR_API_AUTH } from './api-token.guard';
import { GeneratorService } from './generator.service';
import { JsonBodyPipe } from './json-body.pipe';
import { SetRateDto } from './set-rate.dto';

const UNAUTHORIZED = 'GENERATOR_API_TOKEN is set and the request has no matching "Authorization: Bearer <token>"';

@ApiTags('generator')
@Controller('generator')
export class GeneratorController {
  constructor(private readonly generator: GeneratorService) {}

  @Get('status')
  @ApiOperation({ summary: 'Running or not, rate, counts produced/published/failed by event type and fault kind' })
  status(): GeneratorStats & { seed: number } {
    return this.generator.status();
  }

  @Post('start')
  @HttpCode(200)
  @UseGuards(ApiTokenGuard)
  @ApiBearerAuth(GENERATOR_API_AUTH)
  @ApiOperation({ summary: 'Start producing at the current rate' })
  @ApiOkResponse({ description: 'started; the status' })
  @ApiConflictResponse({ description: 'already running' })
  @ApiServiceUnavailableResponse({ description: 'Kafka has not been reached yet' })
  @ApiUnauthorizedResponse({ description: UNAUTHORIZED })
  start(): GeneratorStats {
    return this.generator.start();
  }

  @Post('stop')
  @HttpCode(200)
  @UseGuards(ApiTokenGuard)
  @ApiBearerAuth(GENERATOR_API_AUTH)
  @ApiOperation({ summary: 'Stop after the batch in flight (and the next one, if it was already made: nothing made is dropped)' })
  @ApiOkResponse({ description: 'stopped; the status' })
  @ApiUnauthorizedResponse({ description: UNAUTHORIZED })
  stop(): Promise<GeneratorStats> {
    return this.generator.stop();
  }

  @Put('rate')
  @UseGuards(ApiTokenGuard)
  @ApiBearerAuth(GENERATOR_API_AUTH)
  @ApiOperation({ summary: 'Change the rate (applies at once, and to later runs after a stop/start)' })
  @ApiOkResponse({ description: 'the status with the new rate' })
  @ApiBadRequestResponse({ description: 'not a JSON object like {"rate": 1000} or {"rate": "max"}; the message says why' })
  @ApiUnauthorizedResponse({ description: UNAUTHORIZED })
  setRate(@Body(new JsonBodyPipe(), new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) body: SetRateDto): GeneratorStats {
    return this.generator.setRate(body.rate);
  }
}
