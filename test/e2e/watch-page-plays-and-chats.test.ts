/**
 * A viewer's browser on the real local stack: Debian's Chromium opens the watch link the origin hands out,
 * plays the video through hls.js with segments from a CDN node, is driven by the keyboard, fits a phone,
 * and two viewers chat in the video's room. Screenshots are kept (path printed) for people to look at.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BeaconBatch } from '../../contracts/beacons.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/browser-chromium.ts';
import { makeWatchClip, watchFixture, type WatchFixture } from './support/browser-watch-fixture.ts';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { run } from '../../stack/exec.ts';
import { repoRoot } from '../../stack/paths.ts';
import { testPortOffset } from '../support/ports.ts';
import { waitFor } from '../support/wait.ts';

let stack: DevStack;
let work: string;
let artifacts: string;
let fixture: WatchFixture;
let browser: Browser;
let portOffset: number;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vora-e2e-watch-'));
  // Kept with the test results (gitignored), so a run's screenshots can be looked at afterwards.
  artifacts = process.env.VORA_E2E_ARTIFACTS ?? join(repoRoot, '.vora', 'test-results', 'screenshots');
  await mkdir(artifacts, { recursive: true });
  const clip = await makeWatchClip(work, 6);
  portOffset = await testPortOffset(import.meta.url);
  stack = await startDevStack(portOffset);
  fixture = await watchFixture(stack, clip);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
  console.log(`watch page screenshots kept in ${artifacts}`);
});

const videoState = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector('video')!;
    const player = document.querySelector<HTMLElement>('.player')!;
    const buffered = video.buffered.length ? video.buffered.end(video.buffered.length - 1) : 0;
    return { currentTime: video.currentTime, paused: video.paused, readyState: video.readyState, buffered, ended: video.ended, rendition: video.dataset.rendition, fatal: player.dataset.fatal, status: document.getElementById('player-status')!.textContent };
  });
const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || '');

/** Waits for currentTime to pass `seconds`; on timeout the error carries the player's state and the page's errors. */
async function untilPlayedPast(page: Page, seconds: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await videoState(page)).currentTime <= seconds) {
    if (Date.now() > deadline) throw new Error(`currentTime still ≤ ${seconds} s after ${timeoutMs} ms: ${JSON.stringify(await videoState(page))}`);
    await page.waitForTimeout(100);
  }
}

/** Presses Tab (or Shift+Tab) until `id` has focus; returns every element reached, in order. */
async function tabTo(page: Page, id: string, key = 'Tab', limit = 12): Promise<string[]> {
  const reached: string[] = [];
  for (let i = 0; i < limit && reached.at(-1) !== id; i += 1) {
    await page.keyboard.press(key);
    reached.push(await activeId(page));
  }
  return reached;
}

describe('the watch page in Chromium at 1280x800', () => {
  let page: Page;
  let pageErrors: string[];
  const nodeResponses: Array<{ status: number; path: string }> = [];
  const beacons: Array<{ status: number; authorization: string | undefined; body: any }> = [];

  it('plays through hls.js with segments from a CDN node, started and tuned by the keyboard alone', async () => {
    ({ page, pageErrors } = await openPage(browser, { width: 1280, height: 800 }));
    const nodePorts = new Set(stack.ports.cdnNodes.map(String));
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (nodePorts.has(url.port)) nodeResponses.push({ status: response.status(), path: url.pathname });
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/beacon') beacons.push({ status: response.status(), authorization: response.request().headers().authorization, body: response.request().postDataJSON() });
    });
    await page.goto(fixture.watchUrl);
    // The player starts once the page has asked the edge whether the video plays yet (playable.js): after `load`.
    await expect.poll(() => page.locator('.player').getAttribute('data-engine'), { timeout: 15_000 }).toBe('hls.js');
    await expect.poll(() => page.locator('#quality option').allTextContents(), { timeout: 15_000 }).toEqual([expect.stringMatching(/^Auto/), '360p']);
    expect(await page.getAttribute('#video', 'poster')).toBe(`/v/${fixture.playbackToken}/thumbnail.jpg`);
    expect(await page.evaluate(async (url) => (await fetch(url)).headers.get('content-type'), `/v/${fixture.playbackToken}/thumbnail.jpg`)).toBe('image/jpeg');

    const forward = await tabTo(page, 'quality');
    expect(forward[0], 'the first Tab reaches the skip link').toBe('skip-link');
    expect(forward).toContain('play');
    expect(forward.at(-1)).toBe('quality');
    await page.keyboard.press('ArrowDown'); // a closed <select> steps to the next option: 360p
    expect(await page.inputValue('#quality')).toBe('0');
    expect((await tabTo(page, 'play', 'Shift+Tab')).at(-1)).toBe('play');
    await page.keyboard.press('Enter');

    const started = Date.now();
    await untilPlayedPast(page, 3, 20_000);
    console.log(`currentTime passed 3 s ${Date.now() - started} ms after Enter on the play button`);
    await page.screenshot({ path: join(artifacts, 'watch-1280x800-playing.png') });
    const state = await videoState(page);
    expect(state.fatal).toBeUndefined();
    expect(state.rendition).toBe('360p');
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Pause');
    const segments = nodeResponses.filter((response) => response.path.startsWith(`/media/${fixture.videoId}/360p/`));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    expect(segments.every((response) => response.status === 200), JSON.stringify(segments)).toBe(true);
  });

  it('sends a QoE batch the edge accepts, with the playback token, when the video ends', async () => {
    await page.waitForFunction(() => document.querySelector('video')!.ended, null, { timeout: 20_000 });
    await expect.poll(() => beacons.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(beacons[0]!.authorization).toBe(`Bearer ${fixture.playbackToken}`);
    expect(beacons.map((beacon) => beacon.status)).toEqual(beacons.map(() => 204));
    for (const beacon of beacons) BeaconBatch.parse(beacon.body);
    const events = beacons.flatMap((beacon) => beacon.body.events);
    expect(beacons[0]!.body).toMatchObject({ videoId: fixture.videoId, sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(events.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['play', 'bitrate_switch', 'ended']));
    expect(events.find((event: { type: string }) => event.type === 'bitrate_switch')).toMatchObject({ rendition: '360p', bitrate: expect.any(Number) });
  });

  it('previews storyboard tiles over the scrub bar', async () => {
    const box = (await page.locator('#seek').boundingBox())!;
    const sprite = page.waitForResponse((response) => response.url().endsWith('/storyboard.jpg') && response.status() === 200, { timeout: 10_000 });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('#preview').isVisible()).toBe(true);
    expect(await page.locator('.preview-image').evaluate((element: HTMLElement) => element.style.backgroundImage)).toContain('/storyboard.jpg');
    expect(await page.locator('.preview-time').textContent()).toMatch(/^0:0[2-4]$/);
    await sprite;
    await page.screenshot({ path: join(artifacts, 'watch-1280x800-storyboard.png') });
    // The watch link alone opens the room beside the video, read-only until the viewer picks a display name.
    await expect.poll(() => page.locator('#chat-form').getAttribute('data-mode'), { timeout: 10_000 }).toBe('name');
    expect(await page.getAttribute('#chat-input', 'placeholder')).toBe('Pick a display name to chat');
    expect(pageErrors).toEqual([]);
  });
});

describe('the watch page on a 375x812 phone screen', () => {
  it('stacks the player above the chat without sideways scrolling', async () => {
    const { page, pageErrors } = await openPage(browser, { width: 375, height: 812 });
    await page.goto(fixture.watchUrl);
    await expect.poll(() => page.locator('#quality option').count(), { timeout: 15_000 }).toBe(2);
    const layout = await page.evaluate(() => {
      const rect = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
      const controls = [...document.querySelectorAll('.controls > *')].map((element) => element.getBoundingClientRect().right);
      return { scrollWidth: document.documentElement.scrollWidth, player: rect('.player'), chat: rect('.chat'), rightmostControl: Math.max(...controls) };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(375);
    expect(layout.player.width).toBeCloseTo(375, 0);
    expect(layout.chat.top).toBeGreaterThanOrEqual(layout.player.bottom);
    expect(layout.rightmostControl).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(artifacts, 'watch-375x812.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

describe('chat beside the video', () => {
  it('lets two viewers talk, shows presence and live events, and refuses a flood politely', async () => {
    const room = `video-${fixture.videoId}`;
    // The pages of the tests above joined the room too (the watch link alone reads it): close them, so presence counts these viewers.
    for (const context of browser.contexts()) for (const open of context.pages()) await open.close();
    const viewers = await Promise.all([
      { id: 'user_ada', name: 'Ada', size: { width: 1280, height: 800 } },
      { id: 'user_bo', name: 'Bo', size: { width: 375, height: 812 } },
    ].map(async (user) => {
      const opened = await openPage(browser, user.size);
      await opened.page.goto(`${fixture.watchUrl}&chatToken=${await fixture.chatToken(user)}`);
      await opened.page.waitForSelector('#chat-input:not([disabled])', { timeout: 15_000 });
      return opened;
    }));
    const [ada, bo] = viewers.map((viewer) => viewer.page) as [Page, Page];
    for (const page of [ada, bo]) await expect.poll(() => page.locator('#chat-presence').textContent(), { timeout: 5_000 }).toBe('2 people here');

    await ada.fill('#chat-input', 'hello from Ada <b>not bold</b>');
    await ada.keyboard.press('Enter');
    await expect.poll(() => bo.locator('#chat-log li').last().textContent(), { timeout: 5_000 }).toBe('Ada hello from Ada <b>not bold</b>');
    expect(await bo.locator('#chat-log b').count()).toBe(0);

    const event = await fetch(`http://127.0.0.1:${stack.ports.edge}/internal/rooms/${room}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.secrets.internalSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: `evt_${fixture.videoId}`, type: 'video.ready', at: new Date().toISOString(), data: {} }),
    });
    expect(event.status).toBe(200);
    await expect.poll(() => bo.locator('#chat-log .chat-event').last().textContent(), { timeout: 5_000 }).toBe('This video is ready in every quality.');

    // A third viewer holds only the watch URL: reads what was said, then writes under the name they pick.
    const guestView = await openPage(browser, { width: 1280, height: 800 });
    viewers.push(guestView);
    const guest = guestView.page;
    await guest.goto(fixture.watchUrl);
    await expect.poll(() => guest.locator('#chat-log .chat-message').first().textContent(), { timeout: 10_000 }).toBe('Ada hello from Ada <b>not bold</b>');
    await expect.poll(() => guest.locator('#chat-form').getAttribute('data-mode'), { timeout: 5_000 }).toBe('name');
    await guest.fill('#chat-input', 'Cy');
    await guest.keyboard.press('Enter');
    await expect.poll(() => guest.locator('#chat-form').getAttribute('data-mode'), { timeout: 10_000 }).toBe('message');
    await guest.fill('#chat-input', 'hi, only the link here');
    await guest.keyboard.press('Enter');
    await expect.poll(() => ada.locator('#chat-log .chat-message').last().textContent(), { timeout: 5_000 }).toBe('Cy hi, only the link here');
    expect(await ada.locator('#chat-log .chat-message').last().getAttribute('class')).toContain('role-guest');
    // The guest's own message comes back to its page a moment after Ada's may: wait for it, then nothing more.
    await expect.poll(() => guest.locator('#chat-log .chat-message').count(), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(await guest.locator('#chat-log .chat-message').allTextContents(), 'nothing repeated across the rejoin with a name').toEqual(['Ada hello from Ada <b>not bold</b>', 'Cy hi, only the link here']);

    for (let i = 0; i < 8; i += 1) {
      await bo.fill('#chat-input', `message ${i}`);
      await bo.keyboard.press('Enter');
    }
    await expect.poll(() => bo.locator('#chat-status').textContent(), { timeout: 5_000 }).toMatch(/^You are sending messages quickly/);
    await expect.poll(() => ada.locator('#chat-log .chat-message').count(), { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
    await ada.screenshot({ path: join(artifacts, 'watch-chat-1280x800.png') });
    await bo.screenshot({ path: join(artifacts, 'watch-chat-375x812.png'), fullPage: true });
    expect(viewers.flatMap((viewer) => viewer.pageErrors)).toEqual([]);
  });
});

describe('captions on the watch page', () => {
  const vtt = ['WEBVTT', '', '00:00:01.000 --> 00:00:02.500', 'Hello from Vora captions', '', '00:00:03.000 --> 00:00:04.500', 'Second caption', ''].join('\n');
  const cli = (...args: string[]) => run(process.execPath, [join(repoRoot, 'bin/vora.js'), ...args], { env: { ...process.env, VORA_HOME: stack.home, VORA_PORT_OFFSET: String(portOffset) }, timeoutMs: 60_000 });
  const playbackBase = () => fixture.watchUrl.replace(/\/watch\/.*$/, `/v/${fixture.playbackToken}/`);

  it('takes a track from `vora captions add` and lists it in the master the edge serves', async () => {
    const file = join(work, 'en.vtt');
    await writeFile(file, vtt);
    expect(await cli('captions', 'add', fixture.videoId, file, '--lang', 'en', '--label', 'English')).toMatch(/^added subtitles track cap_\S+ "English" \(en, 2 cues\)/);
    expect(await cli('captions', 'ls', fixture.videoId)).toMatch(/cap_\S+\s+en\s+English\s+subtitles\s+uploaded\s+2/);
    // The master the earlier tests played may still be cached at the edge and the shield (max-age=2 each).
    const master = await waitFor(async () => {
      const text = await (await fetch(`${playbackBase()}master.m3u8`)).text();
      return text.includes('TYPE=SUBTITLES') ? text : null;
    }, { what: 'the master through the edge to list the new track', timeoutMs: 15_000 });
    expect(master).toMatch(/#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",.*LANGUAGE="en",URI="cap_[^"]+\/playlist\.m3u8"/);
    expect(master).toContain('SUBTITLES="subs"');
  });

  it('plays as a subtitle stream through the edge and a CDN node (FFmpeg reads the playlist the master names)', async () => {
    const master = await (await fetch(`${playbackBase()}master.m3u8`)).text();
    const url = `${playbackBase()}${/TYPE=SUBTITLES,.*URI="([^"]+)"/.exec(master)![1]}`;
    const playlist = await (await fetch(url)).text();
    const segment = playlist.split('\n').find((line) => line.startsWith('http'))!;
    expect(stack.ports.cdnNodes.map(String)).toContain(new URL(segment).port);
    // Debian 12's FFmpeg (5.1) leaves a master's SUBTITLES renditions out, so it is given the track's playlist.
    const probe = JSON.parse(await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'json', url], { timeoutMs: 60_000 }));
    expect(probe.streams).toEqual([{ codec_type: 'subtitle', codec_name: 'webvtt' }]);
    const cues = await run('ffmpeg', ['-v', 'error', '-i', url, '-f', 'webvtt', '-'], { timeoutMs: 60_000 });
    expect(cues).toMatch(/00:01\.000 --> 00:02\.500\nHello from Vora captions/);
    expect(cues).toMatch(/00:03\.000 --> 00:04\.500\nSecond caption/);
  });

  it('shows the cue text at its time in Chromium once chosen, remembers the choice, and lifts it above the storyboard tile', async () => {
    const { context, page, pageErrors } = await openPage(browser, { width: 1280, height: 800 });
    const shownCue = () =>
      page.evaluate(() => {
        const video = document.querySelector('video')!;
        const showing = [...video.textTracks].find((track) => track.mode === 'showing');
        const cue = showing?.activeCues?.[0] as VTTCue | undefined;
        return { time: video.currentTime, text: cue?.text ?? null, line: cue?.line ?? null, language: showing?.language ?? null };
      });
    try {
      await page.goto(fixture.watchUrl);
      await expect.poll(() => page.locator('#captions').isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await page.locator('#captions option').allTextContents()).toEqual(['Captions off', 'English']);
      expect(await page.locator('#captions').inputValue()).toBe('off');
      await page.locator('#captions').selectOption({ label: 'English' });
      await page.evaluate(() => document.querySelector('video')!.play());
      // Sampled as it plays: the first cue is on screen from 1.0 s to 2.5 s, the second from 3.0 s.
      const seen: Array<{ time: number; text: string | null }> = [];
      await expect.poll(async () => {
        const now = await shownCue();
        seen.push(now);
        return now.text;
      }, { timeout: 20_000, interval: 100 }).toBe('Hello from Vora captions');
      const first = seen.find((sample) => sample.text === 'Hello from Vora captions')!;
      expect(first.time).toBeGreaterThanOrEqual(0.95);
      expect(first.time).toBeLessThan(2.5);
      expect(seen.filter((sample) => sample.time < 0.95).every((sample) => sample.text === null)).toBe(true);
      await expect.poll(async () => (await shownCue()).text, { timeout: 20_000, interval: 100 }).toBe('Second caption');
      expect((await shownCue()).time).toBeGreaterThanOrEqual(2.95);
      await page.screenshot({ path: join(artifacts, 'watch-1280x800-captions.png') });

      // Paused on a cue, the storyboard tile over the picture pushes the cue above it.
      await page.evaluate(() => {
        const video = document.querySelector('video')!;
        video.pause();
        video.currentTime = 3.5;
      });
      await expect.poll(async () => (await shownCue()).text).toBe('Second caption');
      expect((await shownCue()).line).toBe('auto');
      const box = (await page.locator('#seek').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
      await expect.poll(() => page.locator('#preview').isVisible()).toBe(true);
      await expect.poll(async () => (await shownCue()).line).toEqual(expect.any(Number));
      await page.screenshot({ path: join(artifacts, 'watch-1280x800-captions-over-storyboard.png') });

      // The choice is the viewer's: a reload shows the same track by itself.
      await page.reload();
      await expect.poll(() => page.locator('#captions').inputValue(), { timeout: 30_000 }).toBe('0');
      await expect.poll(async () => (await shownCue()).language).toBe('en');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
