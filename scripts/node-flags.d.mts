// Types of scripts/node-flags.mjs, for the test helper that starts the service the same way.
export declare const SERVICE_NODE_FLAGS: string[];
export declare const SERVICE_ENV: Record<string, string>;
