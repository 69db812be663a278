// Moved: the run folder is read and written through the contract module (reports/src/contract/).
export * from './contract/run-folder.ts';
