// One background job queue, held in PostgreSQL by pg-boss: a job outlives a restart and any instance may run it.
// Each capability registers its handlers with `defineJob` (listed in core/jobs/registry.ts); server.ts starts the
// queue after the migrations. Requests only enqueue and answer with an id; the work happens here.
import PgBoss from 'pg-boss';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

export interface JobContext {
  /** A fresh EntityManager for this run of the job. */
  em: EntityManager;
  orm: MikroORM;
  jobId: string;
  /** 0 on the first try. */
  retryCount: number;
  queue: JobQueue;
}

export interface JobDefinition<T extends object> {
  name: string;
  run(data: T, context: JobContext): Promise<void>;
  /** pg-boss queue options: retries, back-off, expiry. */
  options?: PgBoss.Queue;
  /** How many of this job one instance runs at once. */
  concurrency?: number;
}

export function defineJob<T extends object>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition;
}

export class JobQueue {
  private constructor(
    readonly boss: PgBoss,
    private readonly orm: MikroORM,
  ) {}

  /** Connects to the database and runs the jobs in `definitions` (workers off: this instance only enqueues). */
  static async start(options: {
    url: string;
    orm: MikroORM;
    definitions: JobDefinition<object>[];
    workers?: boolean;
    log?: (message: string, error?: unknown) => void;
  }): Promise<JobQueue> {
    const boss = new PgBoss({
      connectionString: options.url,
      schema: 'pgboss',
      max: 3,
      application_name: 'contactdesk-jobs',
      // Finished jobs are kept a week for the panel's history, then removed by pg-boss's own maintenance.
      deleteAfterDays: 7,
    });
    boss.on('error', (error) => options.log?.('job queue error', error));
    await boss.start();
    const queue = new JobQueue(boss, options.orm);
    for (const definition of options.definitions) {
      await boss.createQueue(definition.name, definition.options);
      if (options.workers === false) continue;
      for (let worker = 0; worker < (definition.concurrency ?? 1); worker++) {
        await boss.work<object>(definition.name, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: 0.5 }, async ([job]) => {
          if (!job) return;
          await definition.run(job.data, { em: options.orm.em.fork(), orm: options.orm, jobId: job.id, retryCount: job.retryCount, queue });
        });
      }
    }
    return queue;
  }

  /**
   * Enqueues a job and returns its id (null when a singleton key refused a duplicate). This runs on the queue's own
   * connection, so call it after the change the job belongs to has committed; work that must be atomic with a change
   * (webhook events) is written to a table in that transaction and picked up by a job.
   */
  async send<T extends object>(definition: JobDefinition<T> | string, data: T, options: PgBoss.SendOptions = {}): Promise<string | null> {
    return this.boss.send(typeof definition === 'string' ? definition : definition.name, data, options);
  }

  /** Queued and running jobs per queue name: for metrics and the panel. */
  async depth(name: string): Promise<number> {
    return this.boss.getQueueSize(name);
  }

  async stop(): Promise<void> {
    // Running jobs get a moment to finish; the rest stay queued for another instance or the next start.
    await this.boss.stop({ graceful: true, timeout: 5000, wait: true });
  }
}
