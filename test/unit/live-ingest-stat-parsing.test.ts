import { describe, expect, it } from 'vitest';
import { parseIngestStat, publishedBitrate } from '../../origin/src/live/ingest-stat.ts';

// Trimmed from what Debian's nginx-rtmp 1.1.4 answered on this machine: a publisher on `live_pub` (renamed from its
// key) with a ladder pulling it, a stream that only a player holds, and another application.
const page = (streams: string) => `<?xml version="1.0" encoding="utf-8" ?>
<rtmp>
<nginx_version>1.22.1</nginx_version>
<uptime>40</uptime>
<bw_in>951008</bw_in>
<bytes_in>1667625</bytes_in>
<server>
<application>
<name>other</name>
<live><stream><name>live_pub</name><time>9000</time><bw_in>5</bw_in><bytes_in>5</bytes_in><publishing/></stream></live>
</application>
<application>
<name>live</name>
<live>
${streams}
<nclients>2</nclients>
</live>
</application>
</server>
</rtmp>`;

const publisherStream = `<stream>
<name>live_pub</name>
<time>15351</time><bw_in>951008</bw_in>
<bytes_in>1667625</bytes_in>
<bw_out>0</bw_out>
<bytes_out>0</bytes_out>
<bw_audio>75008</bw_audio>
<bw_video>876000</bw_video>
<client><id>1</id><address>127.0.0.1</address><time>15531</time><flashver>FMLE/3.0 (compatible; Lavf59.27</flashver><dropped>0</dropped><avsync>-3</avsync><timestamp>7456</timestamp><publishing/><active/></client>
<client><id>2</id><address>127.0.0.1</address><time>12000</time><flashver>LNX 9,0,124,2</flashver><dropped>0</dropped><avsync>0</avsync><timestamp>7456</timestamp><active/></client>
<meta><video><width>640</width><height>360</height><frame_rate>30</frame_rate><codec>H264</codec></video><audio><codec>AAC</codec></audio></meta>
<nclients>2</nclients>
<publishing/>
<active/>
</stream>`;

const playerOnlyStream = `<stream>
<name>live_gone</name>
<time>4000</time><bw_in>0</bw_in>
<bytes_in>0</bytes_in>
<client><id>3</id><address>127.0.0.1</address><time>4000</time><flashver>LNX 9,0,124,2</flashver><active/></client>
<nclients>1</nclients>
</stream>`;

describe("nginx-rtmp's stat page", () => {
  it("reads each stream of the live application by its own fields, not its clients'", () => {
    const parsed = parseIngestStat(page(publisherStream + playerOnlyStream));
    expect(parsed).toEqual({
      ok: true,
      streams: [
        { name: 'live_pub', bwIn: 951008, bytesIn: 1667625, ageMs: 15351, publishing: true },
        // Only a player holds it: its client has no <publishing/>, and neither has the stream.
        { name: 'live_gone', bwIn: 0, bytesIn: 0, ageMs: 4000, publishing: false },
      ],
    });
  });

  it('tells a page that is not a stat page apart from an idle ingest', () => {
    expect(parseIngestStat('<html>404</html>')).toMatchObject({ ok: false, reason: expect.stringContaining('rtmp_stat') });
    expect(parseIngestStat(page(''))).toEqual({ ok: true, streams: [] });
  });

  it("reports nginx's 10 s average, before it exists the average since the start, and nothing without a publisher", () => {
    const stream = { name: 'live_pub', bwIn: 951008, bytesIn: 1667625, ageMs: 15351, publishing: true };
    expect(publishedBitrate(stream)).toBe(951008);
    // Young stream: nginx says 0 for its first 10 s; 836,321 bytes in 7.585 s is 882 kbit/s.
    expect(publishedBitrate({ ...stream, bwIn: 0, bytesIn: 836321, ageMs: 7585 })).toBe(882_079);
    expect(publishedBitrate({ ...stream, bwIn: 0, bytesIn: 20_000, ageMs: 500 })).toBeNull();
    expect(publishedBitrate({ ...stream, publishing: false })).toBeNull();
    expect(publishedBitrate(undefined)).toBeNull();
  });
});
