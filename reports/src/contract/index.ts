// The contract between runner, CLI and reports: the shapes of the run folder and the verification
// folder (schemas.ts), reading and writing them, and the one judgement of a run (judge.ts).
export * from './defect-evidence.ts';
export * from './files.ts';
export * from './judge.ts';
export * from './run-folder.ts';
export * from './schemas.ts';
