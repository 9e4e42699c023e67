export default async function globalTeardown() {
  await globalThis.__SHARDED_CLUSTER__?.stop();
}
