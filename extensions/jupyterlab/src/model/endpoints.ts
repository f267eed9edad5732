/** The djl.endpoints comm's pushes: {"endpoints":[{name,url,model,requests,p50_ms,p99_ms}]}, or {"error": "..."}. */

export interface Endpoint {
  name: string;
  url: string;
  model: string;
  requests: number;
  p50_ms: number | null;
  p99_ms: number | null;
  /** The kernel's own curl command for this endpoint (token, input names and shapes filled in), when it sends one. */
  curl?: string;
}

const num = (v: unknown): number | null => (typeof v === 'number' && isFinite(v) ? v : null);

export function parseEndpoints(data: unknown): Endpoint[] | null {
  if (!data || typeof data !== 'object') return null;
  const list = (data as Record<string, unknown>).endpoints;
  if (!Array.isArray(list)) return null;
  return list
    .filter((e: any) => e && typeof e === 'object' && typeof e.name === 'string')
    .map((e: any) => ({
      name: e.name,
      url: typeof e.url === 'string' ? e.url : '',
      model: typeof e.model === 'string' ? e.model : e.name,
      requests: num(e.requests) ?? 0,
      p50_ms: num(e.p50_ms),
      p99_ms: num(e.p99_ms),
      ...(typeof e.curl === 'string' && e.curl ? { curl: e.curl } : {})
    }));
}

/** The kernel's answer to a message it could not act on (`{"error": "..."}`), else null. */
export function parseEndpointsError(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const e = (data as Record<string, unknown>).error;
  return typeof e === 'string' ? e : null;
}

/** The inference URL: `url` if it already names `/infer`, else `{url}/v2/models/{model}/infer`. */
export function inferUrl(e: Endpoint): string {
  const base = e.url.replace(/\/+$/, '');
  if (/\/infer$/.test(base)) return base;
  return `${base}/v2/models/${encodeURIComponent(e.model)}/infer`;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The kernel's curl command when it sent one (it knows the model's inputs and the token), else an Open Inference
 * Protocol v2 request with one input for the user to fill.
 */
export function curlFor(e: Endpoint): string {
  if (e.curl) return e.curl;
  const body = '{"inputs":[{"name":"input0","shape":[1],"datatype":"FP32","data":[0.0]}]}';
  return `curl -s -X POST ${shellQuote(inferUrl(e))} -H 'Content-Type: application/json' -d ${shellQuote(body)}`;
}

export function stopMessage(name: string): { stop: string } {
  return { stop: name };
}
