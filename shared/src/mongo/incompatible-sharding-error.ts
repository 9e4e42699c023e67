/**
 * A deployment the service refuses to start on: its sharding breaks a guarantee the service needs,
 * or cannot be read. The message is one line naming the collection, its key and what to do; the
 * service prints it without a stack and exits 1 (shared/src/service-main.ts).
 */
export class IncompatibleShardingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}
