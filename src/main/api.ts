/**
 * The back end as one object implementing the contract, and the one way a transport
 * calls it. IPC (electron/) and HTTP (serve/) both go through `dispatch`, so every call
 * is checked against the contract and every failure comes back as data.
 */
import {
  API_SCHEMAS,
  fail,
  ok,
  toApiError,
  type ApiMethod,
  type BiascopeApi,
  type Result,
} from '../shared/api';

export interface ApiOptions {
  /** Product name and version, from package.json (or Electron's `app`). */
  name: string;
  version: string;
}

export function createApi(options: ApiOptions): BiascopeApi {
  return {
    appInfo: () =>
      Promise.resolve({
        name: options.name,
        version: options.version,
        node: process.versions.node,
        electron: process.versions['electron'] ?? null,
      }),
  };
}

/**
 * Calls one method with arguments from an untrusted caller. Arguments are parsed with
 * the method's schema; the value is parsed too, so a back end that drifts from the
 * contract fails here, loudly, rather than in the UI.
 */
export async function dispatch(
  api: BiascopeApi,
  method: ApiMethod,
  args: readonly unknown[],
): Promise<Result<unknown>> {
  const schema = API_SCHEMAS[method];
  try {
    const parsedArgs: unknown[] = schema.args.parse(args);
    const call = api[method] as (...callArgs: unknown[]) => Promise<unknown>;
    const value = await call.apply(api, parsedArgs);
    const checked = schema.value.safeParse(value);
    if (!checked.success) {
      const issues = toApiError(checked.error).message;
      return fail('internal', `${method} returned a value outside the contract: ${issues}`);
    }
    return ok(checked.data);
  } catch (error) {
    return { ok: false, error: toApiError(error) };
  }
}
