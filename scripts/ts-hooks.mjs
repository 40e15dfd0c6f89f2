// Lets the test set-up (scripts/test-setup.mjs) import the test suite's own TypeScript — the
// corpus definitions and the image builder — outside vitest, with Node's type stripping
// (--experimental-strip-types) and these module hooks (module.registerHooks, Node ≥ 22.15):
//   - `./x.js` written in a .ts file means `./x.ts` when that exists, as TypeScript resolves it;
//   - `vitest` becomes a stand-in whose hooks do nothing: the image builder registers clean-up of
//     its temporary folders with afterAll(), and outside a test run it makes none.

import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const VITEST_STAND_IN = `data:text/javascript,${encodeURIComponent('const none = () => {}; export const afterAll = none, beforeAll = none, afterEach = none, beforeEach = none;')}`;

registerHooks({
  resolve(specifier, context, next) {
    if (specifier === 'vitest') return { url: VITEST_STAND_IN, shortCircuit: true };
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      const ts = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(ts))) return next(ts.href, context);
    }
    return next(specifier, context);
  },
});
