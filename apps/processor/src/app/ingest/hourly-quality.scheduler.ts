import { Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { hourlyQualityPassTask } from '@pipeline/ingest';
import { defaultRuleSet } from '@pipeline/quality';
import { createStorageBackend } from '@pipeline/storage';
import { ProcessorConfig } from '../processor.config';
import { RepeatingTask } from './repeating-task';

/**
 * Every HOURLY_QUALITY_INTERVAL_MS (0: never) writes the closed-hour quality report of each hour that closed (its end +
 * HOURLY_QUALITY_GRACE_MS passed) or changed since its report (late events). Several processors may run it at once:
 * a report is a pure function of the hour's content, so they write the same bytes.
 */
@Injectable()
export class HourlyQualityScheduler extends RepeatingTask {
  private readonly logger = new Logger(HourlyQualityScheduler.name);
  private readonly pass;

  constructor(config: ProcessorConfig, scheduler: SchedulerRegistry) {
    super(scheduler, 'hourly-quality', config.HOURLY_QUALITY_INTERVAL_MS);
    this.pass = hourlyQualityPassTask(createStorageBackend(config), { datasetRules: defaultRuleSet().dataset, graceMs: config.HOURLY_QUALITY_GRACE_MS });
  }

  protected async run(): Promise<void> {
    try {
      const written = (await this.pass())?.hours.filter((h) => h.outcome === 'written') ?? [];
      if (written.length > 0) this.logger.log(`Closed-hour quality report written for ${written.map((h) => h.hour).join(', ')}`);
    } catch (error) {
      this.logger.warn(`Hourly quality pass failed (the next run retries): ${(error as Error).message}`);
    }
  }
}
