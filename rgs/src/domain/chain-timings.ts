/**
 * Where an environment chain reports how long it stood still between two servers: from recording
 * one server done to starting the next, within a link or across a job hand-off between links. The
 * service's metrics implement it (`rgs_chain_handoff_seconds`).
 */
export interface ChainTimings {
  handOff(ms: number): void;
}
