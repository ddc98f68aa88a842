// Timer keys: one place, so that arming and cancelling always agree. NUL cannot occur in a group id sent
// by a well-behaved client and keeps group and member ids from running into each other.
export function sessionKey(groupId: string, memberId: string): string {
  return `session\0${groupId}\0${memberId}`;
}
export function pendingKey(groupId: string, memberId: string): string {
  return `pending\0${groupId}\0${memberId}`;
}
export function joinKey(groupId: string): string {
  return `join\0${groupId}`;
}
export function syncKey(groupId: string): string {
  return `sync\0${groupId}`;
}
