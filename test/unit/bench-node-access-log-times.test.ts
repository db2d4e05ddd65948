import { describe, expect, it } from 'vitest';
import { nodeServerTimes } from '../../bench/lib/node-access-log.ts';

// Lines as edge/cdn-node/nginx.conf.template's `vora` log_format writes them ($request_time in seconds).
const line = (seconds: string, cache = 'HIT', status = 200) =>
  `{"time":"2026-12-07T01:50:00+00:00","node":"bench-1","status":${status},"method":"GET","uri":"/media/v/360p/seg_00001.m4s","bytes":1048576,"cache":"${cache}","ms":${seconds}}`;

describe('a CDN node\'s own timing of a bench load (nginx access log)', () => {
  it('reads $request_time as seconds, leaves the warm-up out and takes percentiles of the 200 answers', () => {
    const warmup = [line('0.900', 'MISS'), line('0.500')];
    const measured = [...Array.from({ length: 98 }, () => line('0.001')), line('0.004'), line('0.030')];
    const times = nodeServerTimes([...warmup, ...measured, ''], 2);
    expect(times).toEqual({ requests: 100, hits: 100, p50: 1, p99: 4, max: 30 });
  });

  it('counts answers that were not hits, and times only the 200s', () => {
    const times = nodeServerTimes([line('0.002', 'MISS'), line('0.001'), line('0.000', '-', 403)], 0);
    expect(times.requests).toBe(3);
    expect(times.hits).toBe(1);
    expect(times.max).toBe(2);
  });
});
