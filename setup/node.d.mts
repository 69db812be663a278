// Types of setup/node.mjs for the TypeScript that imports it (the file itself must stay plain JS).
export declare const PINNED: string;
export declare const REQUIRED_MAJOR: number;
export declare function tooOldLine(version?: string): string;
export declare function requireNode(): void;
