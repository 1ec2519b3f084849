#!/usr/bin/env node
// `npx billing …`: the CLI is TypeScript (local/cli.ts) run through tsx's loader, as every npm
// script of this repository runs, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../local/cli.ts');
