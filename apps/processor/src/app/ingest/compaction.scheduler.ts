import { Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { closedHoursCompactionTask, createStorageBackend } from '@pipeline/storage';
import { ProcessorConfig } from '../processor.config';
import { RepeatingTask } from './repeating-task';

/**
 * Compacts the lake's closed hours every COMPACTION_INTERVAL_MS (0: never; `npm run compact` does it by hand).
 * Several processors may run it at once: a compaction commits by creating its hour's manifest only if absent, so one
 * wins and the others find nothing left to do.
 */
@Injectable()
export class CompactionScheduler extends RepeatingTask {
  private readonly logger = new Logger(CompactionScheduler.name);
  private readonly compact;

  constructor(config: ProcessorConfig, scheduler: SchedulerRegistry) {
    super(scheduler, 'compaction', config.COMPACTION_INTERVAL_MS);
    this.compact = closedHoursCompactionTask(createStorageBackend(config), {
      graceMs: config.COMPACTION_GRACE_MS,
      // Inside the processor's heap: smaller output files than the CLI's default keep memory bounded.
      maxEventsPerFile: config.COMPACTION_MAX_EVENTS_PER_FILE,
    });
  }

  protected async run(): Promise<void> {
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
