export { startEmulator } from './server.ts';
export type { Emulator, EmulatorOptions, RequestLogEntry } from './server.ts';
export { runEmulatorCommand } from './command.ts';
export type { EmulatorCommandOptions } from './command.ts';
export { matchOperation, ROUTES } from './routes.ts';
export { sampleSnapshot, SAMPLE_FEATURES } from './sample.ts';
export { parseSnapshot, SnapshotSchema, snapshotJsonSchema } from './snapshot.ts';
export type { Snapshot, SnapshotInput } from './snapshot.ts';
export { EmulatorState } from './state.ts';
