import { describe, expect, it } from 'vitest';
import { InProcessRuntime } from '../../../src/runtime/in-process-runtime.js';
import type { Task, TaskRunner } from '../../../src/runtime/task.js';

function task(taskId: string): Task {
  return {
    taskId,
    flowId: 'east->west',
    sourceAlias: 'east',
    targetAlias: 'west',
    partitions: [
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ],
  };
}

class RecordingRunner implements TaskRunner {
  readonly calls: string[] = [];
  constructor(private readonly failStart = false) {}
  async start(): Promise<void> {
    this.calls.push('start');
    if (this.failStart) throw new Error('cannot start');
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
  kill(): void {
    this.calls.push('kill');
  }
}

describe('InProcessRuntime', () => {
  it('tasks are plain data: a JSON round trip gives the same task', () => {
    const t = task('a');
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  it('starts, lists, stops and kills runners by task id', async () => {
    const runners: RecordingRunner[] = [];
    const runtime = new InProcessRuntime(() => {
      const r = new RecordingRunner();
      runners.push(r);
      return r;
    });
    await runtime.start(task('a'));
    await runtime.start(task('b'));
    expect(runtime.list().map((s) => [s.task.taskId, s.state])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
    ]);
    await expect(runtime.start(task('a'))).rejects.toThrow(/already running/);
    await runtime.stop('a');
    runtime.kill('b');
    expect(runtime.list().map((s) => [s.task.taskId, s.state])).toEqual([
      ['a', 'stopped'],
      ['b', 'killed'],
    ]);
    expect(runners.map((r) => r.calls)).toEqual([
      ['start', 'stop'],
      ['start', 'kill'],
    ]);
    // A killed or stopped task id can run again, with a new runner.
    await runtime.start(task('b'));
    expect(runners).toHaveLength(3);
    runtime.kill('a'); // not running: nothing happens
    await runtime.close();
    expect(runners[2]!.calls).toEqual(['start', 'stop']);
    expect(runners[0]!.calls).toEqual(['start', 'stop']);
  });

  it('a runner that fails to start is killed and reported failed', async () => {
    const runner = new RecordingRunner(true);
    const runtime = new InProcessRuntime(() => runner);
    await expect(runtime.start(task('x'))).rejects.toThrow('cannot start');
    expect(runtime.list()).toEqual([{ task: task('x'), state: 'failed', error: 'cannot start' }]);
    expect(runner.calls).toEqual(['start', 'kill']);
  });
});
