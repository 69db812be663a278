#!/usr/bin/env node
// The `paspor-lab` command's entry: plain JavaScript so that an old Node gets one clear line (exit 2)
// instead of "Unknown file extension .ts"; on Node 24 it loads the TypeScript CLI.
import { requireNode } from '@paspor-lab/setup/node';

requireNode();
await import('./paspor-lab.ts');
