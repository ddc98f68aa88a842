export {
  CHECKPOINT_VERSION,
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpointKey,
  encodeCheckpointValue,
} from './checkpoint.js';
export {
  decodeHeartbeat,
  encodeHeartbeatKey,
  encodeHeartbeatValue,
  HEARTBEAT_VERSION,
  type Heartbeat,
} from './heartbeat.js';
export {
  decodeOffsetSync,
  encodeOffsetSyncKey,
  encodeOffsetSyncValue,
  type OffsetSync,
} from './offset-sync.js';
