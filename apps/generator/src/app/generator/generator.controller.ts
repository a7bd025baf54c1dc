import { Body, Controller, Get, HttpCode, Post, Put, ValidationPipe } from '@nestjs/common';
import type { GeneratorStats } from '@pipeline/simulation';
import { GeneratorService } from './generator.service';
import { SetRateDto } from './set-rate.dto';

@Controller('generator')
export class GeneratorController {
  constructor(private readonly generator: GeneratorService) {}

  @Get('status')
  status(): GeneratorStats {
    return this.generator.status();
  }

  @Post('start')
  @HttpCode(200)
  start(): GeneratorStats {
    return this.generator.start();
  }

  @Post('stop')
  @HttpCode(200)
  stop(): Promise<GeneratorStats> {
    return this.generator.stop();
  }

  @Put('rate')
  setRate(@Body(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) body: SetRateDto): GeneratorStats {
    return this.generator.setRate(body.rate);
  }
}
