// Every background job of the product, in one list: server.ts starts the queue with these.
// A capability adds its job definitions here (imports, retention, webhook deliveries…).
import type { JobDefinition } from './queue.ts';

export const JOBS: JobDefinition<object>[] = [];
