// The defect ids and profiles, for the CLI and the benches (the behaviours are in ./defects/).
export * from './defects/ids.ts';
