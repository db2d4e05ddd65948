/**
 * The channel flow as a streamer and their viewers meet it, on `npm start` itself (shifted ports) with Twitch
 * played by the Helix stand-in: `vora channels create` and `vora channels link-twitch` from the CLI, a channel.raid
 * that the stand-in sends (signed as Twitch signs) through the origin's webhook, Kafka, the bridge and the edge
 * into the watch page's chat in Chromium; a viewer holding only the watch URL reads, writes under a display name
 * — and only reads once the channel keeps guests to reading; `vora upload --public --wait` prints a watch URL whose
 * page shows the channel's shared room, and the channel page lists that video (not the unlisted one).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../stack/paths.ts';
import { startDevStack, type DevStack } from '../support/dev-stack.ts';
import { startHelixStandin, twitchEvents, type HelixStandin, type HelixUser } from '../support/helix-standin.ts';
import { makeClip } from '../support/media.ts';
import { devStackApi, type OperatorApi } from '../support/operator-api.ts';
import { testPortOffset } from '../support/ports.ts';
import { launchChromium, openPage } from './support/browser-chromium.ts';

const streamer: HelixUser = { id: '141981764', login: 'twitchdev', display_name: 'TwitchDev' };
const client = { clientId: 'vora-e2e-client', clientSecret: 'vora-e2e-client-secret' };
let helix: HelixStandin;
let stack: DevStack;
let offset: number;
let api: OperatorApi;
let browser: Browser;
let watchUrl: string;
let uploaded: { id: string; watchUrl: string };

/** `vora …` as an operator runs it against this stack; its stdout. */
async function vora(...args: string[]): Promise<string> {
  return voraWithin(60_000, ...args);
}

async function voraWithin(timeoutMs: number, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'bin/vora.js'), ...args], {
    env: { ...process.env, VORA_HOME: stack.home, VORA_PORT_OFFSET: String(offset) },
    timeout: timeoutMs,
  });
  return stdout;
}

const formMode = (page: Page) => page.locator('#chat-form').getAttribute('data-mode');

beforeAll(async () => {
  helix = await startHelixStandin({ ...client, users: [streamer] });
  // `npm start` hands the origin the environment: Twitch is the stand-in, whose messages the origin's webhook checks with this secret.
  Object.assign(process.env, {
    TWITCH_CLIENT_ID: client.clientId,
    TWITCH_CLIENT_SECRET: client.clientSecret,
    TWITCH_EVENTSUB_SECRET: 'eventsub-secret-for-the-e2e',
    TWITCH_HELIX_URL: helix.helixUrl,
    TWITCH_TOKEN_URL: helix.tokenUrl,
  });
  offset = await testPortOffset(import.meta.url);
  stack = await startDevStack(offset);
  api = devStackApi(stack);
  browser = await launchChromium();
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await helix?.close();
}, 120_000);

describe('a linked channel in the watch page', () => {
  it('links a channel to Twitch from the CLI, with every subscription verified by the origin', async () => {
    expect(await vora('channels', 'create', 'raid-e2e', '--title', 'Raid night')).toContain('channel raid-e2e created');
    const linked = await vora('channels', 'link-twitch', 'raid-e2e', '--login', 'twitchdev');
    expect(linked).toContain('channel raid-e2e follows TwitchDev (Twitch id 141981764) with 7 EventSub subscriptions');
    await helix.verificationsDone();
    expect([...helix.subscriptions.values()].map((s) => s.status)).toEqual(Array(7).fill('enabled'));
    expect(await vora('channels', 'show', 'raid-e2e')).toMatch(/twitch\s+TwitchDev \(login twitchdev, id 141981764\) — active, 7 of 7 subscriptions enabled/);
  });

  it("shows a raid sent through Twitch's webhook in the chat of a viewer who holds only the watch URL, and lets them write", async () => {
    const video = await api('/v1/videos', { method: 'POST', body: { title: 'Raid night VOD', channelId: 'raid-e2e' } });
    expect(video.status).toBe(201);
    watchUrl = (await vora('sign', video.body.id)).split('\n')[0]!;
    expect(watchUrl).toMatch(new RegExp(`/watch/${video.body.id}\\?token=`));

    const { page: guest, pageErrors } = await openPage(browser, { width: 1280, height: 800 });
    await guest.goto(watchUrl);
    await expect.poll(() => formMode(guest), { timeout: 15_000 }).toBe('name');
    const raid = await helix.notify('channel.raid', streamer.id, twitchEvents.raid(streamer, { id: '1234', login: 'cool_raider', name: 'Cool_Raider' }, 42));
    expect(raid.status).toBe(204);
    const raidLine = guest.locator('#chat-log .chat-event.event-raid');
    await expect.poll(() => raidLine.textContent(), { timeout: 15_000 }).toBe('Raid from Cool_Raider with 42 viewers');

    await guest.fill('#chat-input', 'Dee');
    await guest.keyboard.press('Enter');
    await expect.poll(() => formMode(guest), { timeout: 10_000 }).toBe('message');
    await guest.fill('#chat-input', 'welcome raiders!');
    await guest.keyboard.press('Enter');
    const { page: other } = await openPage(browser, { width: 375, height: 812 });
    await other.goto(watchUrl);
    await expect.poll(() => other.locator('#chat-log .chat-message').last().textContent(), { timeout: 15_000 }).toBe('Dee welcome raiders!');
    expect(await guest.locator('#chat-log .chat-event').count(), 'the raid once, though the page rejoined with a name').toBe(1);
    await guest.screenshot({ path: join(stack.home, 'raid.png') }).catch(() => {});
    expect(pageErrors).toEqual([]);
    await other.close();
    await guest.close();
  });

  it('keeps a watch-URL viewer to reading once the channel says guests only read', async () => {
    const config = await api('/v1/channels/raid-e2e/config');
    const patched = await api('/v1/channels/raid-e2e/config', { method: 'PATCH', body: { base: config.body.hash, patch: [{ op: 'add', path: '/chat/guests', value: 'read' }] } });
    expect(patched.status).toBe(200);
    // The update travels Kafka → the edge writer → the room's rules; a fresh page is welcomed as a reader.
    const { page } = await openPage(browser, { width: 1280, height: 800 });
    await expect
      .poll(
        async () => {
          await page.goto(watchUrl);
          await page.locator('#chat-form[data-mode="read"], #chat-form[data-mode="name"], #chat-form[data-mode="message"]').waitFor({ timeout: 10_000 });
          return formMode(page);
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe('read');
    expect(await page.locator('#chat-status').textContent()).toBe('Only signed-in viewers can write in this chat. You can still read along.');
    expect(await page.locator('#chat-log .chat-message').last().textContent()).toBe('Dee welcome raiders!');
    await page.close();
  });

  it("prints a watch URL from `vora upload --public --wait` whose page shows the channel's room: its chat so far, then a new raid", async () => {
    const clip = join(stack.home, 'raid-highlights.mp4');
    await makeClip(clip, { seconds: 4, size: '640x360', rate: 25, preset: 'ultrafast' });
    const printed = await voraWithin(300_000, 'upload', clip, '--channel', 'raid-e2e', '--public', '--title', 'Raid highlights', '--wait');
    const match = printed.match(/(http\S+\/watch\/(vid_[A-Za-z0-9_-]+)\?token=\S+)/);
    expect(match, printed).not.toBeNull();
    uploaded = { id: match![2]!, watchUrl: match![1]! };
    const { page, pageErrors } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(uploaded.watchUrl);
    // The channel keeps guests to reading now (the test before): the panel is there, read-only, with the shared room's
    // message history (live events are not kept in history: a joiner sees those that come after it).
    await expect.poll(() => formMode(page), { timeout: 15_000 }).toBe('read');
    expect(await page.locator('#chat-log .chat-message').last().textContent()).toBe('Dee welcome raiders!');
    const raid = await helix.notify('channel.raid', streamer.id, twitchEvents.raid(streamer, { id: '5678', login: 'night_owl', name: 'Night_Owl' }, 7));
    expect(raid.status).toBe(204);
    await expect.poll(() => page.locator('#chat-log .chat-event.event-raid').textContent(), { timeout: 15_000 }).toBe('Raid from Night_Owl with 7 viewers');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 330_000);

  it('serves the channel page as `vora channels set` left it, listing the public playable video and not the unlisted one', async () => {
    expect(await vora('channels', 'set', 'raid-e2e', '--description', 'Raids every Friday')).toMatch(/description\s+Raids every Friday/);
    const { page } = await openPage(browser, { width: 1280, height: 800 });
    const edge = `http://127.0.0.1:${stack.ports.edge}`;
    await page.goto(`${edge}/c/raid-e2e`);
    expect(await page.locator('.channel-title').textContent()).toBe('Raid night');
    expect(await page.locator('.channel-description').textContent()).toBe('Raids every Friday');
    const cards = page.locator('.video-grid .video-card');
    expect(await cards.locator('.video-title').allTextContents()).toEqual(['Raid highlights']);
    expect(await cards.first().getAttribute('href')).toMatch(new RegExp(`^/watch/${uploaded.id}\\?token=`));
    // The thumbnail comes through the edge under the card's own token.
    await expect.poll(() => cards.first().locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.close();
  });
});
