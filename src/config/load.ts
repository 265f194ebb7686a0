import { parseConfig, type ConfigResult } from './schema';

/** Fetches and validates the runtime configuration shipped beside the app. */
export async function loadConfig(
  baseUrl: string = import.meta.env.BASE_URL,
  fetchImpl: typeof fetch = fetch,
): Promise<ConfigResult> {
  const url = `${baseUrl.replace(/\/?$/, '/')}smart-config.json`;
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-cache' });
  } catch {
    return { ok: false, problems: [`The configuration file (${url}) could not be fetched.`] };
  }
  if (!response.ok) {
    return {
      ok: false,
      problems: [`The configuration file (${url}) answered ${response.status}.`],
    };
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    return { ok: false, problems: [`The configuration file (${url}) is not valid JSON.`] };
  }
  return parseConfig(json);
}
