import { describe, expect, it } from 'vitest';
import { curlFor, inferUrl, parseEndpoints, parseEndpointsError, stopMessage } from '../src/model/endpoints';

describe('endpoints', () => {
  const push = { endpoints: [{ name: 'resnet', url: 'http://127.0.0.1:8080', model: 'resnet18', requests: 12, p50_ms: 3.2, p99_ms: 9.9 }] };
  it('parses the djl.endpoints push', () => {
    expect(parseEndpoints(push)).toEqual(push.endpoints);
    expect(parseEndpoints({ endpoints: [] })).toEqual([]);
    expect(parseEndpoints({ devices: [] })).toBeNull();
    expect(parseEndpoints({ endpoints: [{ name: 'a' }, { url: 'no name' }] })).toEqual([
      { name: 'a', url: '', model: 'a', requests: 0, p50_ms: null, p99_ms: null }
    ]);
  });
  it('builds an Open Inference Protocol v2 curl command', () => {
    const e = parseEndpoints(push)![0];
    expect(inferUrl(e)).toBe('http://127.0.0.1:8080/v2/models/resnet18/infer');
    expect(inferUrl({ ...e, url: 'http://h/v2/models/m/infer' })).toBe('http://h/v2/models/m/infer');
    expect(curlFor(e)).toBe(
      `curl -s -X POST 'http://127.0.0.1:8080/v2/models/resnet18/infer' -H 'Content-Type: application/json' -d '{"inputs":[{"name":"input0","shape":[1],"datatype":"FP32","data":[0.0]}]}'`
    );
    expect(curlFor({ ...e, url: "http://h/it's" })).toContain(`'http://h/it'\\''s/v2/models/resnet18/infer'`);
  });
  it("copies the kernel's own curl command when it sends one", () => {
    const kernelCurl = "curl -H 'Authorization: Bearer t' -F file=@image.png http://127.0.0.1:8080/predict";
    const [e] = parseEndpoints({ endpoints: [{ ...push.endpoints[0], curl: kernelCurl }] })!;
    expect(e.curl).toBe(kernelCurl);
    expect(curlFor(e)).toBe(kernelCurl);
    expect(parseEndpoints({ endpoints: [{ ...push.endpoints[0], curl: 42 }] })![0].curl).toBeUndefined();
  });
  it('asks the kernel to stop by name', () => {
    expect(stopMessage('resnet')).toEqual({ stop: 'resnet' });
  });
  it('reads the kernel\'s error answers apart from pushes', () => {
    expect(parseEndpointsError({ error: "no endpoint named 'x'" })).toBe("no endpoint named 'x'");
    expect(parseEndpointsError(push)).toBeNull();
    expect(parseEndpoints({ error: 'x' })).toBeNull();
  });
});
