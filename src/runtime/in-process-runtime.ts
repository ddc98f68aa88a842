import type { Task, TaskRunner, TaskRunnerFactory, TaskRuntime, TaskState, TaskStatus } from './task.js';

interface Entry {
  task: Task;
  runner: TaskRunner;
  state: TaskState;
  error?: string;
}

/**
 * Runs task runners in this process: the default runtime, and the one tests drive. Tasks keep their last
 * status after they stop, until the same id is started again. Single-threaded (the event loop).
 */
export class InProcessRuntime implements TaskRuntime {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly createRunner: TaskRunnerFactory) {}

  async start(task: Task): Promise<void> {
    const existing = this.entries.get(task.taskId);
    if (existing && (existing.state === 'running' || existing.state === 'stopping')) {
      throw new Error(`task ${task.taskId} is already ${existing.state}`);
    }
    const entry: Entry = { task, runner: this.createRunner(task), state: 'running' };
    this.entries.set(task.taskId, entry);
    try {
      await entry.runner.start();
    } catch (err) {
      entry.state = 'failed';
      entry.error = err instanceof Error ? err.message : String(err);
      entry.runner.kill();
      throw err;
    }
  }

  async stop(taskId: string): Promise<void> {
    const entry = this.entries.get(taskId);
    if (entry === undefined || entry.state !== 'running') return;
    entry.state = 'stopping';
    try {
      await entry.runner.stop();
    } finally {
      entry.state = 'stopped';
    }
  }

  kill(taskId: string): void {
    const entry = this.entries.get(taskId);
    if (entry === undefined || (entry.state !== 'running' && entry.state !== 'stopping')) return;
    entry.state = 'killed';
    entry.runner.kill();
  }

  list(): TaskStatus[] {
    return [...this.entries.values()].map((e) =>
      e.error === undefined
        ? { task: e.task, state: e.state }
        : { task: e.task, state: e.state, error: e.error },
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id)));
  }
}
