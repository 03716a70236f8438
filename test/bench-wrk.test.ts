// The bench reads wrk's text report; a misread figure would be a wrong ratio in the issue note.
import { describe, expect, it } from 'vitest';
import { parseWrk } from '../bench/wrk.ts';

const REPORT = `Running 2s test @ http://127.0.0.1:18002/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.85ms    1.01ms  12.23ms   75.69%
    Req/Sec     7.76k     0.93k    9.20k    75.00%
  Latency Distribution
     50%    1.85ms
     75%    2.28ms
     90%    2.77ms
     99%  545.00us
  15526 requests in 2.01s, 2.22MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:   7715.88
Transfer/sec:      1.10MB
`;

describe('parseWrk', () => {
  it('reads requests, rate, p99 (any unit) and failures', () => {
    expect(parseWrk(REPORT)).toEqual({ requests: 15526, rps: 7715.88, p99Ms: 0.545, failures: 12 });
  });

  it('converts seconds and counts a clean run as no failures', () => {
    const clean = REPORT.replace('545.00us', '1.20s').replace(/ {2}Socket errors.*\n {2}Non-2xx.*\n/, '');
    expect(parseWrk(clean)).toEqual({ requests: 15526, rps: 7715.88, p99Ms: 1200, failures: 0 });
  });

  it('refuses a report it cannot read instead of returning zeros', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(/wrk/);
  });
});
