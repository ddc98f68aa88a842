/**
 * The mirror's unit of work, as the runtime schedules it: a set of source partitions of one flow. A task is a
 * plain serialisable object (JSON round-trips it unchanged) so that a distributed runtime can hand it to a
 * worker in another process; everything a task needs to resume lives in the clusters (the remote partitions
 * and the offset-syncs topic), never in the task or the runtime.
 */
export interface TaskPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface Task {
  /** Unique within a runtime; stable across restarts of the same work (e.g. `east->west-0`). */
  readonly taskId: string;
  /** The flow, as MirrorMaker 2 names it: `<source alias>-><target alias>`. */
  readonly flowId: string;
  readonly sourceAlias: string;
  readonly targetAlias: string;
  /** Source topic partitions; each is mirrored to the same partition number of its remote topic. */
  readonly partitions: readonly TaskPartition[];
}

/** A running task as its runtime drives it; the mirror implements it (mirror-task.ts). */
export interface TaskRunner {
  /** Begins work; resolves once the runner is running (not when it ends). */
  start(): Promise<void>;
  /** Graceful: stop reading, let writes in flight be acknowledged and recorded, then release everything. */
  stop(): Promise<void>;
  /** Abrupt, as a crash: connections dropped, nothing flushed or recorded. */
  kill(): void;
}

/** Builds the runner of a task; the runtime knows nothing of what a task does. */
export type TaskRunnerFactory = (task: Task) => TaskRunner;

export type TaskState = 'running' | 'stopping' | 'stopped' | 'killed' | 'failed';

export interface TaskStatus {
  readonly task: Task;
  readonly state: TaskState;
  /** Why the task failed to start, when state is 'failed'. */
  readonly error?: string;
}

/**
 * Where tasks run: this process (in-process-runtime.ts) or, later, BullMQ workers. A task id runs at most
 * once at a time in a runtime.
 */
export interface TaskRuntime {
  start(task: Task): Promise<void>;
  stop(taskId: string): Promise<void>;
  kill(taskId: string): void;
  list(): TaskStatus[];
  /** Stops every task. */
  close(): Promise<void>;
}
