import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

/**
 * A background job of the processor run every `intervalMs` (0: never) through @nestjs/schedule's registry, so it is
 * listed there and removed at shutdown. The timer is unref'd: a pending run never keeps the process alive. A
 * subclass's `run` handles its own errors (a failed run is retried by the next one).
 */
export abstract class RepeatingTask implements OnModuleInit, OnApplicationShutdown {
  protected constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly taskName: string,
    private readonly intervalMs: number,
  ) {}

  protected abstract run(): Promise<void>;

  onModuleInit(): void {
    if (this.intervalMs === 0) return;
    const timer = setInterval(() => void this.run(), this.intervalMs);
    timer.unref();
    this.scheduler.addInterval(this.taskName, timer);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', this.taskName)) this.scheduler.deleteInterval(this.taskName);
  }
}
