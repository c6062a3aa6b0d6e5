#!/usr/bin/env node
// Launcher for the TypeScript sources: tsx compiles them on the fly, so the command
// works from a checkout after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/main.ts');
