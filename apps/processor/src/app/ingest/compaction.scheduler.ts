import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { closedHoursCompactionTask, createStorageBackend } from '@pipeline/storage';
import { ProcessorConfig } from '../processor.config';

const COMPACTION_INTERVAL = 'compaction';

/**
 * Compacts the lake's closed hours every COMPACTION_INTERVAL_MS (0: never; `npm run compact` does it by hand).
 * Several processors may run it at once: a compaction commits by creating its hour's manifest only if absent, so one
 * wins and the others find nothing left to do.
 */
@Injectable()
export class CompactionScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CompactionScheduler.name);
  private readonly compact;

  constructor(
    private readonly config: ProcessorConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.compact = closedHoursCompactionTask(createStorageBackend(config), {
      graceMs: config.COMPACTION_GRACE_MS,
      // Inside the processor's heap: smaller output files than the CLI's default keep memory bounded.
      maxEventsPerFile: config.COMPACTION_MAX_EVENTS_PER_FILE,
    });
  }

  onModuleInit(): void {
    if (this.config.COMPACTION_INTERVAL_MS === 0) return;
    const timer = setInterval(() => void this.run(), this.config.COMPACTION_INTERVAL_MS);
    timer.unref();
    this.scheduler.addInterval(COMPACTION_INTERVAL, timer);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', COMPACTION_INTERVAL)) this.scheduler.deleteInterval(COMPACTION_INTERVAL);
  }

  private async run(): Promise<void> {
    try {
      const result = await this.compact();
      if (result && result.hours.length > 0) {
        const events = result.hours.reduce((n, h) => n + h.events, 0);
        this.logger.log(`Compacted ${result.hours.length} closed hour(s), ${events} events, in ${result.durationMs} ms`);
      }
    } catch (error) {
      this.logger.warn(`Compaction failed (it resumes safely next time): ${(error as Error).message}`);
    }
  }
}
