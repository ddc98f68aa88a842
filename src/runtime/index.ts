/** The runtime layer's public face: the task model and the runtimes that drive task runners. */
export { InProcessRuntime } from './in-process-runtime.js';
export type {
  Task,
  TaskPartition,
  TaskRunner,
  TaskRunnerFactory,
  TaskRuntime,
  TaskState,
  TaskStatus,
} from './task.js';
